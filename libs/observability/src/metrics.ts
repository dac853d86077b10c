import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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

  constructor(registry: Registry) {
    this.attempts = new Counter({ name: 'hookstream_delivery_attempts_total', help: 'Delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] });
    this.attemptDuration = new Histogram({
      name: 'hookstream_attempt_duration_seconds',
      help: 'Duration of one HTTP delivery attempt',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
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
