import { api } from './api';
import { uniqueId } from './env';
import { eventually } from './eventually';
import type { StatusBody } from './flows';

// Data the dashboard tests set up through the API, as an operator or a producer would.

function expectStatus<T>(res: { status: number; body: T }, status: number, what: string): T {
  if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface TenantWithKey {
  id: string;
  key: string;
}

/** A tenant of its own and a key for it (admin calls). */
export async function tenantWithKey(label: string): Promise<TenantWithKey> {
  const id = uniqueId(label);
  expectStatus(await api('POST', '/tenants', { id, name: `Tenant ${label}` }), 201, 'POST /tenants');
  const key = expectStatus(await api<{ key: string }>('POST', `/tenants/${id}/keys`, { description: 'dashboard test' }), 201, `POST /tenants/${id}/keys`);
  return { id, key: key.key };
}

export async function endpointFor(url: string, events: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  return expectStatus(await api<{ id: string; secret: string }>('POST', '/webhooks', { url, events, ...extra }), 201, 'POST /webhooks');
}

export async function publishEvent(type: string, tenantId?: string): Promise<string> {
  const body = { type, data: { from: 'dashboard test' }, ...(tenantId ? { tenant_id: tenantId } : {}) };
  return expectStatus(await api<{ id: string }>('POST', '/events', body), 202, 'POST /events').id;
}

/** Waits until the event (of the tenant, when given) has one of `statuses`, read as an admin. */
export function eventReaches(eventId: string, statuses: string[], tenantId?: string, timeoutMs = 30000): Promise<StatusBody> {
  const query = `event_id=${encodeURIComponent(eventId)}${tenantId ? `&tenant_id=${encodeURIComponent(tenantId)}` : ''}`;
  return eventually(async () => {
    const res = await api<StatusBody>('GET', `/webhooks/status?${query}`);
    return res.status === 200 && statuses.includes(res.body.status) ? res.body : undefined;
  }, `event ${eventId} to reach ${statuses.join('/')}`, timeoutMs);
}

/** Every request the page made went to the API's own origin, and none carried `secret` in its address. */
export function sameOriginOnly(requests: string[], apiUrl: string, secret: string): string[] {
  const origin = new URL(apiUrl).origin;
  return requests.filter((u) => new URL(u).origin !== origin || u.includes(secret) || u.includes(encodeURIComponent(secret)));
}
