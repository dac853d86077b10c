import { useEffect, useState } from 'preact/hooks';
import { call, queryString } from '../api';
import { fromLocalInput, toLocalInput } from '../format';
import { isAdmin, useMe } from '../me';
import { eventPath, navigate, uiPath } from '../router';
import type { Endpoint, EventStatus } from '../types';
import { ErrorMessage, Field } from './common';

const STATUSES: EventStatus[] = ['pending', 'retrying', 'delivered', 'failed', 'no_subscribers'];

const localOf = (iso: string | null) => (iso && !Number.isNaN(new Date(iso).getTime()) ? toLocalInput(new Date(iso)) : '');

export function EventSearchForm({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const admin = isAdmin(me);
  const initial = () => ({
    id: '',
    type: query.get('type') ?? '',
    status: query.get('status') ?? '',
    subscriptionId: query.get('subscription_id') ?? '',
    tenantId: admin ? (query.get('tenant_id') ?? '') : '',
    since: localOf(query.get('since')),
    until: localOf(query.get('until')),
  });
  const [form, setForm] = useState(initial);
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [invalid, setInvalid] = useState<string | null>(null);
  const queryKey = query.toString();
  // The address changed (a search, back, forward): the form shows what the address says.
  useEffect(() => setForm(initial()), [queryKey]);
  useEffect(() => {
    // Only the choices of the endpoint field: without them the field offers "any".
    call<Endpoint[]>('GET', '/webhooks').then(setEndpoints, () => undefined);
  }, []);

  const set = (name: keyof typeof form) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) => setForm({ ...form, [name]: e.currentTarget.value });

  const submit = (e: Event) => {
    e.preventDefault();
    const id = form.id.trim();
    if (id) {
      navigate(eventPath(id, form.tenantId.trim(), admin));
      return;
    }
    const since = fromLocalInput(form.since);
    const until = fromLocalInput(form.until);
    if ((form.since && !since) || (form.until && !until)) {
      setInvalid('Enter the times as date and time.');
      return;
    }
    setInvalid(null);
    navigate(
      uiPath('events') +
        queryString({ type: form.type.trim(), status: form.status, subscription_id: form.subscriptionId, tenant_id: admin ? form.tenantId.trim() : '', since, until }),
    );
  };

  const known = endpoints.some((x) => x.id === form.subscriptionId);
  return (
    <form class="panel search" role="search" aria-label="Search events" onSubmit={submit}>
      <div class="grid">
        <Field label="Event id" hint="Opens the event's page.">
          <input name="event_id" value={form.id} onInput={set('id')} />
        </Field>
        <Field label="Type" hint="Exact, or a prefix like order.*">
          <input name="type" value={form.type} onInput={set('type')} />
        </Field>
        <Field label="Status">
          <select name="status" value={form.status} onChange={set('status')}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Endpoint">
          <select name="subscription_id" value={form.subscriptionId} onChange={set('subscriptionId')}>
            <option value="">any</option>
            {!known && form.subscriptionId ? <option value={form.subscriptionId}>{form.subscriptionId}</option> : null}
            {endpoints.map((x) => (
              <option key={x.id} value={x.id}>
                {x.description ? `${x.description} — ${x.url}` : x.url}
              </option>
            ))}
          </select>
        </Field>
        {admin ? (
          <Field label="Tenant">
            <input name="tenant_id" value={form.tenantId} onInput={set('tenantId')} />
          </Field>
        ) : null}
        <Field label="From">
          <input name="since" type="datetime-local" value={form.since} onInput={set('since')} />
        </Field>
        <Field label="Until">
          <input name="until" type="datetime-local" value={form.until} onInput={set('until')} />
        </Field>
      </div>
      <ErrorMessage message={invalid} />
      <button type="submit">Search</button>
    </form>
  );
}
