import { useState } from 'preact/hooks';
import { call, seg } from '../api';
import { CircuitBadge, Clip, ErrorMessage, Loading, StatusBadge, Time } from '../components/common';
import { EndpointActions } from '../components/endpoint-actions';
import { EndpointDeliveries } from '../components/endpoint-deliveries';
import { useLoad } from '../load';
import { isAdmin, useMe } from '../me';
import type { Endpoint } from '../types';

export function EndpointPage({ id }: { id: string }) {
  const me = useMe();
  const endpoint = useLoad(() => call<Endpoint>('GET', `/webhooks/${seg(id)}`), id);
  // Bumped by actions that send deliveries (recover, test) so the list below shows them.
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);

  if (endpoint.error && !endpoint.data) return <ErrorMessage message={endpoint.error} />;
  const e = endpoint.data;
  if (!e) return <Loading what="the endpoint" />;
  return (
    <>
      <div class="page-head">
        <h1>
          Endpoint <Clip text={e.url} />
        </h1>
      </div>
      <ErrorMessage message={endpoint.error} />
      <dl class="facts" data-testid="endpoint-facts">
        <dt>Id</dt>
        <dd>
          <code>{e.id}</code>
        </dd>
        {isAdmin(me) ? (
          <>
            <dt>Tenant</dt>
            <dd>{e.tenant_id ?? '—'}</dd>
          </>
        ) : null}
        <dt>Events</dt>
        <dd>{e.events.join(', ')}</dd>
        <dt>Description</dt>
        <dd>{e.description || '—'}</dd>
        <dt>State</dt>
        <dd data-testid="endpoint-state">
          <StatusBadge status={e.enabled ? 'enabled' : 'disabled'} />
          {e.disabled_reason ? <> {e.disabled_reason}</> : null}
          {e.disabled_at ? (
            <>
              {' since '}
              <Time iso={e.disabled_at} />
            </>
          ) : null}
        </dd>
        <dt>Circuit</dt>
        <dd data-testid="endpoint-circuit">
          <CircuitBadge circuit={e.health?.circuit} />
          {e.health && e.health.failure_streak > 0 ? <> {e.health.failure_streak} failures in a row</> : null}
        </dd>
        <dt>Last success</dt>
        <dd>
          <Time iso={e.health?.last_success_at} />
        </dd>
        <dt>Last failure</dt>
        <dd>
          <Time iso={e.health?.last_failure_at} /> {e.health?.last_error ? <Clip text={e.health.last_error} /> : null}
        </dd>
        <dt>Rate limit</dt>
        <dd>{e.rate_limit == null ? 'none' : `${e.rate_limit} per second`}</dd>
        {e.filter ? (
          <>
            <dt>Filter</dt>
            <dd>
              <code>{JSON.stringify(e.filter)}</code>
            </dd>
          </>
        ) : null}
        {e.headers ? (
          <>
            <dt>Headers</dt>
            <dd>{Object.keys(e.headers).join(', ')}</dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd>
          <Time iso={e.created_at} />
        </dd>
      </dl>
      <EndpointActions endpoint={e} onChanged={endpoint.reload} onSent={() => setDeliveriesVersion((v) => v + 1)} />
      <EndpointDeliveries endpointId={e.id} version={deliveriesVersion} />
    </>
  );
}
