import { useEffect, useState } from 'preact/hooks';
import { call, errorText } from './api';
import { ErrorMessage, Loading } from './components/common';
import { Layout } from './components/layout';
import { MeContext } from './me';
import { EndpointPage } from './pages/endpoint';
import { EndpointsPage } from './pages/endpoints';
import { EventPage } from './pages/event';
import { EventsPage } from './pages/events';
import { OverviewPage } from './pages/overview';
import { SignInPage } from './pages/sign-in';
import { TenantsPage } from './pages/tenants';
import { Location, useLocation } from './router';
import { onSessionChange, signIn, signOut, storedKey } from './session';
import type { Me } from './types';

type Session = { state: 'checking' } | { state: 'signed-out'; notice: string | null } | { state: 'signed-in'; me: Me } | { state: 'broken'; error: string };

export function App() {
  const location = useLocation();
  const [session, setSession] = useState<Session>(() => (storedKey() ? { state: 'checking' } : { state: 'signed-out', notice: null }));

  useEffect(() => onSessionChange((notice) => !storedKey() && setSession({ state: 'signed-out', notice })), []);

  useEffect(() => {
    if (session.state !== 'checking') return;
    call<Me>('GET', '/me').then(
      (me) => setSession({ state: 'signed-in', me }),
      (e: unknown) => (storedKey() ? setSession({ state: 'broken', error: errorText(e) }) : undefined),
    );
  }, [session.state]);

  switch (session.state) {
    case 'checking':
      return <Loading what="your session" />;
    case 'signed-out':
      return (
        <SignInPage
          notice={session.notice}
          onSignedIn={(key, me) => {
            signIn(key);
            setSession({ state: 'signed-in', me });
          }}
        />
      );
    case 'broken':
      return (
        <main class="narrow">
          <h1>hookstream</h1>
          <ErrorMessage message={`Could not read who this key is: ${session.error}`} />
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </main>
      );
    case 'signed-in':
      return (
        <MeContext.Provider value={session.me}>
          <Layout me={session.me} route={location.route}>
            <Page location={location} />
          </Layout>
        </MeContext.Provider>
      );
  }
}

function Page({ location }: { location: Location }) {
  const { route, query } = location;
  switch (route.page) {
    case 'overview':
      return <OverviewPage query={query} />;
    case 'endpoints':
      return <EndpointsPage query={query} />;
    case 'endpoint':
      return <EndpointPage key={route.id} id={route.id} />;
    case 'events':
      return <EventsPage query={query} />;
    case 'event':
      return <EventPage key={location.href} id={route.id} tenantId={query.get('tenant_id')} />;
    case 'tenants':
      return <TenantsPage />;
    case 'not-found':
      return <ErrorMessage message="There is no such page in the dashboard." />;
  }
}
