import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { navigate } from '../router';
import type { Page, Tenant } from '../types';

/** For admin keys: narrows the page to one tenant through `?tenant_id=` in the page's address. */
export function TenantFilter({ value }: { value: string }) {
  const [text, setText] = useState(value);
  const [tenants, setTenants] = useState<Tenant[]>([]);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    // Only suggestions for the field: a failure here leaves it a plain text field.
    call<Page<'tenants', Tenant>>('GET', '/tenants?limit=200').then(
      (page) => setTenants(page.tenants),
      () => undefined,
    );
  }, []);

  const apply = (tenantId: string) => {
    const query = new URLSearchParams(window.location.search);
    if (tenantId) query.set('tenant_id', tenantId);
    else query.delete('tenant_id');
    query.delete('cursor');
    const search = query.toString();
    navigate(window.location.pathname + (search ? `?${search}` : ''));
  };

  return (
    <form
      class="inline-form"
      role="search"
      aria-label="Tenant"
      onSubmit={(e) => {
        e.preventDefault();
        apply(text.trim());
      }}
    >
      <label class="inline">
        <span class="label">Tenant</span>
        <input name="tenant_id" list="tenant-ids" placeholder="all" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <datalist id="tenant-ids">
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </datalist>
      <button type="submit" class="secondary small">
        Apply
      </button>
      {value ? (
        <button type="button" class="secondary small" onClick={() => apply('')}>
          All
        </button>
      ) : null}
    </form>
  );
}
