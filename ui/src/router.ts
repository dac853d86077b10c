import { useEffect, useState } from 'preact/hooks';

// Every page of the dashboard lives under /ui; the server answers the app's index for any /ui/* path, so
// each of these addresses can be bookmarked or shared (they never carry the key).
export const BASE = '/ui';

export type Route =
  | { page: 'overview' }
  | { page: 'endpoints' }
  | { page: 'endpoint'; id: string }
  | { page: 'events' }
  | { page: 'event'; id: string }
  | { page: 'tenants' }
  | { page: 'not-found' };

export interface Location {
  route: Route;
  query: URLSearchParams;
  /** Changes on every navigation, so pages can reload on a new query as well as a new path. */
  href: string;
}

export function parseLocation(pathname: string, search: string): Location {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  let route: Route;
  try {
    route = routeOf(rest.split('/').filter(Boolean).map((p) => decodeURIComponent(p)));
  } catch {
    // A broken percent-encoding in a pasted address.
    route = { page: 'not-found' };
  }
  return { route, query: new URLSearchParams(search), href: pathname + search };
}

function routeOf(parts: string[]): Route {
  const [first, second, ...more] = parts;
  if (more.length > 0) return { page: 'not-found' };
  if (first === undefined) return { page: 'overview' };
  if (first === 'endpoints') return second === undefined ? { page: 'endpoints' } : { page: 'endpoint', id: second };
  if (first === 'events') return second === undefined ? { page: 'events' } : { page: 'event', id: second };
  if (first === 'tenants' && second === undefined) return { page: 'tenants' };
  return { page: 'not-found' };
}

/** The address of a dashboard page, e.g. uiPath('events', id) with an optional query. */
export function uiPath(...parts: string[]): string {
  return [BASE, ...parts.map((p) => encodeURIComponent(p))].join('/');
}

const NAVIGATED = 'hookstream:navigated';

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATED));
  if (!replace) window.scrollTo(0, 0);
}

export function useLocation(): Location {
  const [location, setLocation] = useState(() => parseLocation(window.location.pathname, window.location.search));
  useEffect(() => {
    const update = () => setLocation(parseLocation(window.location.pathname, window.location.search));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return location;
}

/** Lets plain left clicks on same-app links change the page without a reload. */
export function interceptLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const anchor = (e.target as Element | null)?.closest('a');
  if (!anchor || anchor.target || anchor.origin !== window.location.origin || !anchor.pathname.startsWith(BASE)) return;
  e.preventDefault();
  navigate(anchor.pathname + anchor.search);
}

/** An event's page; an admin needs the tenant in the address to read a tenant's event. */
export function eventPath(eventId: string, tenantId: string | null | undefined, admin: boolean): string {
  return uiPath('events', eventId) + (admin && tenantId ? `?tenant_id=${encodeURIComponent(tenantId)}` : '');
}
