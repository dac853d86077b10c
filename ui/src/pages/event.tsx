import { useState } from 'preact/hooks';
import { call, queryString, seg } from '../api';
import { Clip, ErrorMessage, Loading, StatusBadge, Time } from '../components/common';
import { AttemptTimeline } from '../components/attempt-timeline';
import { useAction, useInterval, useLoad } from '../load';
import { isAdmin, useMe } from '../me';
import { uiPath } from '../router';
import type { Attempt, EventStatusAnswer } from '../types';

const POLL_MS = 2000;
const NOT_FOUND_PATIENCE_MS = 20_000;

/** One event: its deliveries and every attempt, refreshed while any delivery is still under way. */
export function EventPage({ id, tenantId }: { id: string; tenantId: string | null }) {
  const me = useMe();
  const tenantQuery = isAdmin(me) ? { tenant_id: tenantId } : {};
  const status = useLoad(() => call<EventStatusAnswer>('GET', `/webhooks/status${queryString({ event_id: id, ...tenantQuery })}`), id);
  const attempts = useLoad(() => call<Attempt[]>('GET', `/events/${seg(id)}/attempts${queryString(tenantQuery)}`), id);
  const retry = useAction<{ id: string; retried: number }>();
  const [openedAt] = useState(() => Date.now());
  const event = status.data;
  const underWay = event?.status === 'pending' || event?.status === 'retrying';
  // An event published a moment ago may not be in the read model yet: look again for a little while.
  const maybeSoon = !event && status.error !== null && Date.now() - openedAt < NOT_FOUND_PATIENCE_MS;
  const refresh = () => {
    status.reload();
    attempts.reload();
  };
  useInterval(refresh, POLL_MS, underWay || maybeSoon);

  if (status.error && !event) {
    return (
      <>
        <ErrorMessage message={status.error} />
        <button type="button" class="secondary small" onClick={refresh}>
          Try again
        </button>
      </>
    );
  }
  if (!event) return <Loading what="the event" />;
  const failed = event.deliveries.some((d) => d.status === 'failed');
  return (
    <>
      <div class="page-head">
        <h1>
          Event <code>{event.event_id}</code>
        </h1>
        <button type="button" class="secondary small" onClick={refresh}>
          Refresh
        </button>
      </div>
      <ErrorMessage message={status.error} />
      <dl class="facts" data-testid="event-facts">
        <dt>Status</dt>
        <dd data-testid="event-status">
          <StatusBadge status={event.status} />
          {underWay ? <span class="muted small"> refreshing every {POLL_MS / 1000} s</span> : null}
        </dd>
        <dt>Type</dt>
        <dd>{event.type}</dd>
        {isAdmin(me) || event.tenant_id ? (
          <>
            <dt>Tenant</dt>
            <dd>{event.tenant_id ?? tenantId ?? '—'}</dd>
          </>
        ) : null}
        <dt>Attempts</dt>
        <dd>{event.attempts}</dd>
        <dt>Last attempt</dt>
        <dd>
          <Time iso={event.last_attempt} />
        </dd>
      </dl>
      <div class="action-row">
        <button
          type="button"
          disabled={!failed || retry.busy}
          title={failed ? undefined : 'Only deliveries that ended failed are sent again.'}
          onClick={() => retry.run(() => call<{ id: string; retried: number }>('POST', `/events/${seg(id)}/retry${queryString(tenantQuery)}`).finally(refresh))}
        >
          Retry failed deliveries
        </button>
      </div>
      <ErrorMessage message={retry.error} />
      {retry.result ? (
        <p role="status" data-testid="retried">
          {retry.result.retried === 1 ? '1 delivery sent again.' : `${retry.result.retried} deliveries sent again.`}
        </p>
      ) : null}
      <ErrorMessage message={attempts.error && `Attempts: ${attempts.error}`} />
      <h2>Deliveries</h2>
      {event.deliveries.length === 0 ? <p class="muted">No endpoint matched this event.</p> : null}
      {event.deliveries.map((d) => (
        <section class="delivery" key={d.subscription_id} data-subscription-id={d.subscription_id} aria-label={`Delivery to ${d.url}`}>
          <h3>
            <a href={uiPath('endpoints', d.subscription_id)}>
              <Clip text={d.url} />
            </a>{' '}
            <StatusBadge status={d.status} />
          </h3>
          <p class="small">
            {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
            {d.last_status_code !== null ? `, last answer ${d.last_status_code}` : ''}
            {d.last_error ? `, last error: ${d.last_error}` : ''}
            {d.next_attempt_at ? (
              <>
                {', next attempt '}
                <Time iso={d.next_attempt_at} />
              </>
            ) : null}
          </p>
          {attempts.data ? <AttemptTimeline attempts={attempts.data.filter((a) => a.subscription_id === d.subscription_id)} /> : attempts.error ? null : <Loading what="attempts" />}
        </section>
      ))}
    </>
  );
}
