import { useEffect, useState } from 'preact/hooks';
import { call, errorText, queryString, seg } from '../api';
import { isAdmin, useMe } from '../me';
import { eventPath } from '../router';
import type { DeliveryStatus, EndpointDelivery, Page } from '../types';
import { Clip, ErrorMessage, LoadMore, Loading, StatusBadge, Time } from './common';

const STATUSES: DeliveryStatus[] = ['pending', 'retrying', 'delivered', 'failed', 'skipped'];
const PAGE_SIZE = 50;

type DeliveryPage = Page<'deliveries', EndpointDelivery>;

/** The endpoint's recent deliveries, newest first, a page at a time. */
export function EndpointDeliveries({ endpointId, version }: { endpointId: string; version: number }) {
  const me = useMe();
  const [status, setStatus] = useState('');
  const [rows, setRows] = useState<EndpointDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [refreshes, setRefreshes] = useState(0);

  const fetchPage = (after: string | null) =>
    call<DeliveryPage>('GET', `/webhooks/${seg(endpointId)}/deliveries${queryString({ status, limit: PAGE_SIZE, cursor: after })}`);

  useEffect(() => {
    let current = true;
    setLoading(true);
    fetchPage(null).then(
      (page) => {
        if (!current) return;
        setRows(page.deliveries);
        setCursor(page.next_cursor);
        setError(null);
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
    // fetchPage reads only endpointId and status; version and refreshes ask for a fresh first page.
  }, [endpointId, status, version, refreshes]);

  const more = () => {
    setLoading(true);
    fetchPage(cursor).then(
      (page) => {
        setRows((r) => [...(r ?? []), ...page.deliveries]);
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
    <section aria-labelledby="deliveries-title">
      <div class="section-head">
        <h2 id="deliveries-title">Recent deliveries</h2>
        <label class="inline">
          <span class="label">Status</span>
          <select name="delivery-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary small" disabled={loading} onClick={() => setRefreshes((n) => n + 1)}>
          Refresh
        </button>
      </div>
      <ErrorMessage message={error} />
      {rows === null ? (
        error ? null : <Loading what="deliveries" />
      ) : rows.length === 0 ? (
        <p class="muted">No deliveries{status ? ` with status ${status}` : ''}.</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="endpoint-deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Last attempt</th>
                <th scope="col" class="num">
                  Code
                </th>
                <th scope="col">Last error</th>
                <th scope="col">Next attempt</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={`${d.tenant_id ?? ''}/${d.event_id}`} data-event-id={d.event_id}>
                  <td>
                    <a href={eventPath(d.event_id, d.tenant_id, isAdmin(me))}>
                      <code>{d.event_id}</code>
                    </a>
                  </td>
                  <td>{d.event_type}</td>
                  <td>
                    <StatusBadge status={d.status} />
                  </td>
                  <td class="num">{d.attempts}</td>
                  <td>
                    <Time iso={d.last_attempt} />
                  </td>
                  <td class="num">{d.last_status_code ?? '—'}</td>
                  <td>
                    <Clip text={d.last_error} />
                  </td>
                  <td>
                    <Time iso={d.next_attempt_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore cursor={cursor} loading={loading} onMore={more} />
    </section>
  );
}
