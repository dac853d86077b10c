import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per app, with process metrics and the delivery metrics every pipeline stage shares. */
export function createRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export class DeliveryMetrics {
  readonly attempts: Counter<'outcome'>;
  readonly attemptDuration: Histogram<'outcome'>;
  readonly publishToDelivered: Histogram;
  readonly deferred: Counter<'reason'>;

  constructor(registry: Registry) {
    this.attempts = new Counter({ name: 'hookstream_delivery_attempts_total', help: 'Delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] });
    this.attemptDuration = new Histogram({
      name: 'hookstream_attempt_duration_seconds',
      help: 'Duration of one HTTP delivery attempt',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.deferred = new Counter({
      name: 'hookstream_deliveries_deferred_total',
      help: 'Deliveries put off without a request: endpoint at its in-flight cap, circuit open, or over its rate limit',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.publishToDelivered = new Histogram({
      name: 'hookstream_publish_to_delivered_seconds',
      help: 'Time from the event timestamp to its 2xx',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    });
  }
}

/** Records not yet consumed, per consumer group and partition (the lag behind the partition's end). */
export function consumerLagGauge(registry: Registry): Gauge<'group' | 'topic' | 'partition'> {
  const name = 'hookstream_consumer_lag';
  return (
    (registry.getSingleMetric(name) as Gauge<'group' | 'topic' | 'partition'> | undefined) ??
    new Gauge({ name, help: 'Records behind the end of the partition, as of the last fetch', labelNames: ['group', 'topic', 'partition'], registers: [registry] })
  );
}

/** API requests by route and status, with their duration. */
export class HttpMetrics {
  readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'hookstream_http_request_duration_seconds',
      help: 'API requests by method, route and status (the _count series counts them)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    });
  }
}

/** Rows the status projector deleted from the read model for being older than its retention, by table. */
export function prunedRowsCounter(registry: Registry): Counter<'table'> {
  return new Counter({
    name: 'hookstream_read_model_pruned_rows_total',
    help: 'Read-model rows pruned for being older than READ_MODEL_RETENTION_DAYS, by table',
    labelNames: ['table'],
    registers: [registry],
  });
}
