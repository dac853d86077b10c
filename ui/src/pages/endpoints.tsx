import { useState } from 'preact/hooks';
import { call, queryString } from '../api';
import { CircuitBadge, Clip, ErrorMessage, Loading, ShownOnce, StatusBadge, Time } from '../components/common';
import { RegisterEndpoint } from '../components/register-endpoint';
import { TenantFilter } from '../components/tenant-filter';
import { formatRate, hoursAgo } from '../format';
import { useLoad } from '../load';
import { isAdmin, useMe } from '../me';
import { uiPath } from '../router';
import type { CreatedEndpoint, Endpoint, EndpointStats, Stats } from '../types';

export function EndpointsPage({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const tenantId = isAdmin(me) ? (query.get('tenant_id') ?? '') : '';
  const list = useLoad(() => call<Endpoint[]>('GET', `/webhooks${queryString({ tenant_id: tenantId })}`), tenantId);
  const stats = useLoad(() => call<Stats>('GET', `/stats${queryString({ since: hoursAgo(24).toISOString(), tenant_id: tenantId })}`), tenantId);
  const [created, setCreated] = useState<CreatedEndpoint | null>(null);

  const bySubscription = new Map<string, EndpointStats>((stats.data?.endpoints ?? []).map((s) => [s.subscription_id, s]));

  return (
    <>
      <div class="page-head">
        <h1>Endpoints</h1>
        {isAdmin(me) ? <TenantFilter value={tenantId} /> : null}
      </div>
      <RegisterEndpoint
        onCreated={(endpoint) => {
          setCreated(endpoint);
          list.reload();
        }}
      />
      {created ? (
        <ShownOnce label={`Signing secret of ${created.url}`} value={created.secret}>
          <p>
            <a href={uiPath('endpoints', created.id)}>Open the new endpoint</a>
          </p>
        </ShownOnce>
      ) : null}
      <ErrorMessage message={list.error} />
      <ErrorMessage message={stats.error && `Success rates are not available: ${stats.error}`} />
      {list.data ? <EndpointTable endpoints={list.data} stats={bySubscription} admin={isAdmin(me)} /> : list.error ? null : <Loading what="endpoints" />}
    </>
  );
}

function EndpointTable({ endpoints, stats, admin }: { endpoints: Endpoint[]; stats: Map<string, EndpointStats>; admin: boolean }) {
  if (endpoints.length === 0) return <p class="muted">No endpoints registered.</p>;
  return (
    <div class="table-wrap">
      <table data-testid="endpoints">
        <caption>Success rate and last error over the last day</caption>
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            {admin ? <th scope="col">Tenant</th> : null}
            <th scope="col">Events</th>
            <th scope="col">State</th>
            <th scope="col">Circuit</th>
            <th scope="col" class="num">
              Success rate
            </th>
            <th scope="col">Last error</th>
            <th scope="col">Last success</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((e) => {
            const s = stats.get(e.id);
            return (
              <tr key={e.id} data-endpoint-id={e.id}>
                <td>
                  <a href={uiPath('endpoints', e.id)}>
                    <Clip text={e.url} />
                  </a>
                  {e.description ? <div class="muted small">{e.description}</div> : null}
                </td>
                {admin ? <td>{e.tenant_id ?? <span class="muted">—</span>}</td> : null}
                <td>{e.events.join(', ')}</td>
                <td>
                  <StatusBadge status={e.enabled ? 'enabled' : 'disabled'} />
                  {e.disabled_reason ? <div class="small">{e.disabled_reason}</div> : null}
                </td>
                <td>
                  <CircuitBadge circuit={e.health?.circuit} />
                </td>
                <td class="num">{formatRate(s?.success_rate)}</td>
                <td>
                  <Clip text={s?.last_error ?? e.health?.last_error} />
                </td>
                <td>
                  <Time iso={e.health?.last_success_at} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
