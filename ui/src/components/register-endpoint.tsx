import { useState } from 'preact/hooks';
import { call, errorText } from '../api';
import { isAdmin, useMe } from '../me';
import type { CreatedEndpoint } from '../types';
import { ErrorMessage, Field } from './common';

interface Draft {
  url: string;
  events: string;
  description: string;
  tenantId: string;
  rateLimit: string;
  filter: string;
  headers: string;
}

const EMPTY: Draft = { url: '', events: '', description: '', tenantId: '', rateLimit: '', filter: '', headers: '' };

/** The body of POST /webhooks from the form, or the sentence that says what is wrong with it. */
function bodyOf(d: Draft, admin: boolean): Record<string, unknown> | string {
  const events = d.events.split(/[\s,]+/).filter(Boolean);
  if (!d.url.trim()) return 'Enter the endpoint URL.';
  if (events.length === 0) return 'Enter at least one event type (e.g. order.* or *).';
  const body: Record<string, unknown> = { url: d.url.trim(), events };
  if (d.description.trim()) body.description = d.description.trim();
  if (admin && d.tenantId.trim()) body.tenant_id = d.tenantId.trim();
  if (d.rateLimit.trim()) {
    const rate = Number(d.rateLimit);
    if (!Number.isFinite(rate) || rate <= 0) return 'The rate limit is a number of deliveries per second above 0.';
    body.rate_limit = rate;
  }
  for (const [name, text] of [
    ['filter', d.filter],
    ['headers', d.headers],
  ] as const) {
    if (!text.trim()) continue;
    try {
      body[name] = JSON.parse(text) as unknown;
    } catch {
      return `The ${name} field is not valid JSON.`;
    }
  }
  return body;
}

export function RegisterEndpoint({ onCreated }: { onCreated: (e: CreatedEndpoint) => void }) {
  const me = useMe();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof Draft) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => setDraft({ ...draft, [name]: e.currentTarget.value });

  const submit = (e: Event) => {
    e.preventDefault();
    const body = bodyOf(draft, isAdmin(me));
    if (typeof body === 'string') {
      setError(body);
      return;
    }
    setBusy(true);
    setError(null);
    call<CreatedEndpoint>('POST', '/webhooks', body).then(
      (created) => {
        setBusy(false);
        setDraft(EMPTY);
        onCreated(created);
      },
      (err: unknown) => {
        setBusy(false);
        setError(errorText(err));
      },
    );
  };

  return (
    <details class="panel">
      <summary>Register an endpoint</summary>
      <form onSubmit={submit} aria-label="Register an endpoint">
        <div class="grid">
          <Field label="URL">
            <input name="url" type="url" required placeholder="https://example.com/webhooks" value={draft.url} onInput={set('url')} />
          </Field>
          <Field label="Event types" hint="Comma-separated; order.* matches every type starting with order., * every type.">
            <input name="events" required placeholder="order.*" value={draft.events} onInput={set('events')} />
          </Field>
          <Field label="Description">
            <input name="description" value={draft.description} onInput={set('description')} />
          </Field>
          {isAdmin(me) ? (
            <Field label="Tenant" hint="Empty for an endpoint without a tenant.">
              <input name="tenant_id" value={draft.tenantId} onInput={set('tenantId')} />
            </Field>
          ) : null}
          <Field label="Rate limit" hint="Deliveries per second; empty for none.">
            <input name="rate_limit" type="number" min="0" step="any" value={draft.rateLimit} onInput={set('rateLimit')} />
          </Field>
          <Field label="Filter (JSON)" hint='e.g. {"data.amount": {"gte": 100}}'>
            <textarea name="filter" rows={2} value={draft.filter} onInput={set('filter')} />
          </Field>
          <Field label="Headers (JSON)" hint='e.g. {"x-team": "billing"}'>
            <textarea name="headers" rows={2} value={draft.headers} onInput={set('headers')} />
          </Field>
        </div>
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Registering…' : 'Register'}
        </button>
      </form>
    </details>
  );
}
