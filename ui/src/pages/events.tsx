import { useEffect, useState } from 'preact/hooks';
import { call, errorText, queryString, QueryValue } from '../api';
import { Clip, ErrorMessage, LoadMore, Loading, StatusBadge, Time } from '../components/common';
import { EventSearchForm } from '../components/event-search-form';
import { isAdmin, useMe } from '../me';
import { eventPath } from '../router';
import type { EventSummary, Page } from '../types';

const FILTERS = ['status', 'type', 'subscription_id', 'tenant_id', 'since', 'until'] as const;
const PAGE_SIZE = 50;

/** Event search: the filters live in the page's address, so a search can be shared or reloaded. */
export function EventsPage({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const filters: Record<string, QueryValue> = {};
  for (const name of FILTERS) if (name !== 'tenant_id' || isAdmin(me)) filters[name] = query.get(name);
  const filterKey = queryString(filters);

  const [rows, setRows] = useState<EventSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let current = true;
    setRows(null);
    setError(null);
    setLoading(true);
    call<Page<'events', EventSummary>>('GET', `/events${queryString({ ...filters, limit: PAGE_SIZE })}`).then(
      (page) => {
        if (!current) return;
        setRows(page.events);
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current) return;
        setError(errorText(e));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
    // filterKey stands for the filters it was made from.
  }, [filterKey]);

  const more = () => {
    setLoading(true);
    call<Page<'events', EventSummary>>('GET', `/events${queryString({ ...filters, limit: PAGE_SIZE, cursor })}`).then(
      (page) => {
        setRows((r) => [...(r ?? []), ...page.events]);
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (e: unknown) => {
        setError(errorText(e));
        setLoading(false);
      },
    );
  };

  return (
    <>
      <h1>Events</h1>
      <EventSearchForm query={query} />
      <ErrorMessage message={error} />
      {rows === null ? error ? null : <Loading what="events" /> : <EventTable rows={rows} admin={isAdmin(me)} />}
      <LoadMore cursor={cursor} loading={loading} onMore={more} />
    </>
  );
}

function EventTable({ rows, admin }: { rows: EventSummary[]; admin: boolean }) {
  if (rows.length === 0) return <p class="muted">No events match.</p>;
  return (
    <div class="table-wrap">
      <table data-testid="events">
        <thead>
          <tr>
            <th scope="col">Event</th>
            {admin ? <th scope="col">Tenant</th> : null}
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Accepted</th>
            <th scope="col" class="num">
              Attempts
            </th>
            <th scope="col">Deliveries</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={`${e.tenant_id ?? ''}/${e.event_id}`} data-event-id={e.event_id}>
              <td>
                <a href={eventPath(e.event_id, e.tenant_id, admin)}>
                  <Clip text={e.event_id} />
                </a>
              </td>
              {admin ? <td>{e.tenant_id ?? <span class="muted">—</span>}</td> : null}
              <td>{e.type}</td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>
                <Time iso={e.accepted_at} />
              </td>
              <td class="num">{e.attempts}</td>
              <td>
                <DeliveryCounts counts={e.deliveries} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeliveryCounts({ counts }: { counts: EventSummary['deliveries'] }) {
  const parts = (['delivered', 'failed', 'skipped', 'retrying', 'pending'] as const).filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  return <span title={`${counts.total} in all`}>{parts.length > 0 ? parts.join(', ') : `${counts.total}`}</span>;
}
