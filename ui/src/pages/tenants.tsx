import { useEffect, useState } from 'preact/hooks';
import { call, errorText, queryString, seg } from '../api';
import { ErrorMessage, Field, LoadMore, Loading, ShownOnce, Time } from '../components/common';
import { useAction } from '../load';
import { isAdmin, useMe } from '../me';
import { uiPath } from '../router';
import type { Page, Tenant, TenantKey } from '../types';

/** Admin keys only: the tenants, a form to add one, and a tenant key to hand to its owner. */
export function TenantsPage() {
  const me = useMe();
  const [rows, setRows] = useState<Tenant[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [version, setVersion] = useState(0);
  const issued = useAction<TenantKey & { tenant: string }>();

  const load = (after: string | null) => {
    setLoading(true);
    call<Page<'tenants', Tenant>>('GET', `/tenants${queryString({ limit: 100, cursor: after })}`).then(
      (page) => {
        setRows((r) => (after ? [...(r ?? []), ...page.tenants] : page.tenants));
        setCursor(page.next_cursor);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        setError(errorText(e));
        setLoading(false);
      },
    );
  };
  useEffect(() => {
    if (isAdmin(me)) load(null);
  }, [version]);

  if (!isAdmin(me)) return <ErrorMessage message="Tenants are managed with an admin key." />;
  return (
    <>
      <h1>Tenants</h1>
      <CreateTenant onCreated={() => setVersion((v) => v + 1)} />
      <ErrorMessage message={issued.error ?? error} />
      {issued.result ? <ShownOnce label={`New key for tenant ${issued.result.tenant}`} value={issued.result.key} /> : null}
      {rows === null ? (
        error ? null : <Loading what="tenants" />
      ) : rows.length === 0 ? (
        <p class="muted">No tenants yet.</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="tenants">
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Shows</th>
                <th scope="col">Key</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.id}>
                  <td>
                    <code>{t.id}</code>
                  </td>
                  <td>{t.name}</td>
                  <td>
                    <Time iso={t.created_at} />
                  </td>
                  <td>
                    <a href={`${uiPath('endpoints')}?tenant_id=${encodeURIComponent(t.id)}`}>endpoints</a>
                    {' · '}
                    <a href={`${uiPath('events')}?tenant_id=${encodeURIComponent(t.id)}`}>events</a>
                  </td>
                  <td>
                    <button
                      type="button"
                      class="secondary small"
                      disabled={issued.busy}
                      onClick={() =>
                        issued.run(() => call<TenantKey>('POST', `/tenants/${seg(t.id)}/keys`, { description: 'issued from the dashboard' }).then((k) => ({ ...k, tenant: t.id })))
                      }
                    >
                      Issue key
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore cursor={cursor} loading={loading} onMore={() => load(cursor)} />
    </>
  );
}

function CreateTenant({ onCreated }: { onCreated: () => void }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const create = useAction<Tenant>();
  return (
    <form
      class="panel inline-form"
      aria-label="Add a tenant"
      onSubmit={(e) => {
        e.preventDefault();
        create.run(() =>
          call<Tenant>('POST', '/tenants', id.trim() ? { id: id.trim(), name: name.trim() } : { name: name.trim() }).then((t) => {
            setId('');
            setName('');
            onCreated();
            return t;
          }),
        );
      }}
    >
      <Field label="Id" hint="Letters, digits, _ and -; generated when empty.">
        <input name="tenant-id" value={id} onInput={(e) => setId(e.currentTarget.value)} />
      </Field>
      <Field label="Name">
        <input name="tenant-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <button type="submit" disabled={create.busy}>
        Add tenant
      </button>
      <ErrorMessage message={create.error} />
    </form>
  );
}
