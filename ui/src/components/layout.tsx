import type { ComponentChildren } from 'preact';
import { isAdmin } from '../me';
import { Route, uiPath } from '../router';
import { signOut } from '../session';
import type { Me } from '../types';

const SECTIONS = [
  { label: 'Overview', href: uiPath(), pages: ['overview'] },
  { label: 'Endpoints', href: uiPath('endpoints'), pages: ['endpoints', 'endpoint'] },
  { label: 'Events', href: uiPath('events'), pages: ['events', 'event'] },
  { label: 'Tenants', href: uiPath('tenants'), pages: ['tenants'], adminOnly: true },
];

export function Layout({ me, route, children }: { me: Me; route: Route; children: ComponentChildren }) {
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={uiPath()}>
          hookstream
        </a>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.filter((s) => !s.adminOnly || isAdmin(me)).map((s) => (
              <li key={s.href}>
                <a href={s.href} aria-current={s.pages.includes(route.page) ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who" data-testid="who">
          <span>
            {isAdmin(me) ? 'Admin' : 'Tenant'} key <code>{me.key_id}</code>
            {me.tenant_id ? (
              <>
                {' · tenant '}
                <strong data-testid="who-tenant">{me.tenant_id}</strong>
              </>
            ) : null}
          </span>
          <button type="button" class="secondary small" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="content">{children}</main>
    </>
  );
}
