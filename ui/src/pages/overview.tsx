import { useMemo } from 'preact/hooks';
import { call, queryString } from '../api';
import { denseBuckets } from '../buckets';
import { COLORS, TimeChart } from '../components/chart';
import { ErrorMessage, Loading } from '../components/common';
import { TenantFilter } from '../components/tenant-filter';
import { WorstEndpoints } from '../components/worst-endpoints';
import { formatAxisTime, formatMs, hoursAgo } from '../format';
import { useInterval, useLoad } from '../load';
import { isAdmin, useMe } from '../me';
import type { Endpoint, Stats, StatsBucket } from '../types';

const REFRESH_MS = 30_000;

function loadStats(hours: number, tenantId: string): Promise<Stats> {
  const now = Date.now();
  return call<Stats>('GET', `/stats${queryString({ since: hoursAgo(hours, now).toISOString(), until: new Date(now).toISOString(), tenant_id: tenantId })}`);
}

export function OverviewPage({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const tenantId = isAdmin(me) ? (query.get('tenant_id') ?? '') : '';
  const hour = useLoad(() => loadStats(1, tenantId), tenantId);
  const day = useLoad(() => loadStats(24, tenantId), tenantId);
  const endpoints = useLoad(() => call<Endpoint[]>('GET', `/webhooks${queryString({ tenant_id: tenantId })}`), tenantId);
  useInterval(
    () => {
      hour.reload();
      day.reload();
      endpoints.reload();
    },
    REFRESH_MS,
    true,
  );

  return (
    <>
      <div class="page-head">
        <h1>Overview</h1>
        {isAdmin(me) ? <TenantFilter value={tenantId} /> : null}
      </div>
      <Cards hour={hour.data} endpoints={endpoints.data} />
      <ErrorMessage message={endpoints.error && `Endpoints: ${endpoints.error}`} />
      <section aria-labelledby="hour-title">
        <h2 id="hour-title">Deliveries, last hour</h2>
        <DeliveriesChart stats={hour.data} error={hour.error} testId="chart-hour" />
      </section>
      <section aria-labelledby="day-title">
        <h2 id="day-title">Deliveries, last day</h2>
        <DeliveriesChart stats={day.data} error={day.error} testId="chart-day" />
      </section>
      <section aria-labelledby="latency-title">
        <h2 id="latency-title">First-attempt latency, last hour</h2>
        <LatencyChart stats={hour.data} error={hour.error} />
      </section>
      <section aria-labelledby="worst-title">
        <h2 id="worst-title">Endpoints with the worst success rate, last day</h2>
        {day.data ? <WorstEndpoints rows={day.data.endpoints} /> : day.error ? <ErrorMessage message={day.error} /> : <Loading what="endpoint statistics" />}
      </section>
    </>
  );
}

function sum(stats: Stats | undefined, pick: (b: Stats['buckets'][number]) => number): string {
  return stats ? String(stats.buckets.reduce((n, b) => n + pick(b), 0)) : '…';
}

function Cards({ hour, endpoints }: { hour: Stats | undefined; endpoints: Endpoint[] | undefined }) {
  const latest = hour?.buckets.filter((b) => b.first_attempt_p95_ms !== null).at(-1);
  const count = (pick: (e: Endpoint) => boolean) => (endpoints ? String(endpoints.filter(pick).length) : '…');
  const cards: Array<[string, string, string]> = [
    ['Delivered, last hour', sum(hour, (b) => b.delivered), 'card-delivered'],
    ['Failed, last hour', sum(hour, (b) => b.failed), 'card-failed'],
    ['Retries, last hour', sum(hour, (b) => b.retries), 'card-retries'],
    ['Deferred, last hour', sum(hour, (b) => b.deferred), 'card-deferred'],
    ['First attempt p50 / p95, latest', latest ? `${formatMs(latest.first_attempt_p50_ms)} / ${formatMs(latest.first_attempt_p95_ms)}` : '—', 'card-latency'],
    ['Circuits open', count((e) => e.health?.circuit === 'open'), 'card-circuits-open'],
    ['Endpoints disabled', count((e) => !e.enabled), 'card-disabled'],
  ];
  return (
    <dl class="cards">
      {cards.map(([label, value, testId]) => (
        <div class="card" key={testId} data-testid={testId}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function axisLabels(stats: Stats, buckets: StatsBucket[]): string[] {
  const withDay = new Date(stats.until).getTime() - new Date(stats.since).getTime() > 86_400_000 / 2;
  return buckets.map((b) => formatAxisTime(b.start, withDay));
}

function DeliveriesChart({ stats, error, testId }: { stats: Stats | undefined; error: string | null; testId: string }) {
  const buckets = useMemo(() => (stats ? denseBuckets(stats) : []), [stats]);
  const labels = useMemo(() => (stats ? axisLabels(stats, buckets) : []), [stats, buckets]);
  const series = useMemo(
    () => [
      { label: 'Delivered', values: buckets.map((b) => b.delivered), color: COLORS.delivered },
      { label: 'Failed', values: buckets.map((b) => b.failed), color: COLORS.failed },
    ],
    [buckets],
  );
  if (error) return <ErrorMessage message={error} />;
  if (!stats) return <Loading what="statistics" />;
  const delivered = sum(stats, (b) => b.delivered);
  const failed = sum(stats, (b) => b.failed);
  return <TimeChart kind="bar" labels={labels} series={series} yTitle={`deliveries per ${stats.bucket}`} summary={`${delivered} delivered and ${failed} failed, per ${stats.bucket}`} testId={testId} />;
}

function LatencyChart({ stats, error }: { stats: Stats | undefined; error: string | null }) {
  const buckets = useMemo(() => (stats ? denseBuckets(stats) : []), [stats]);
  const labels = useMemo(() => (stats ? axisLabels(stats, buckets) : []), [stats, buckets]);
  const series = useMemo(
    () => [
      { label: 'p50', values: buckets.map((b) => b.first_attempt_p50_ms), color: COLORS.p50 },
      { label: 'p95', values: buckets.map((b) => b.first_attempt_p95_ms), color: COLORS.p95 },
    ],
    [buckets],
  );
  if (error) return <ErrorMessage message={error} />;
  if (!stats) return <Loading what="statistics" />;
  return <TimeChart kind="line" labels={labels} series={series} yTitle="milliseconds" summary={`First-attempt latency p50 and p95 per ${stats.bucket}`} testId="chart-latency" />;
}
