import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import type { HookstreamConfig } from '@app/config';
import { RecordWriter, SubscriptionRecord } from '@app/contracts';
import { Publisher } from '@app/kafka';
import { DeliveryMetrics, guarded, Logger } from '@app/observability';
import { CONFIG, LOGGER, METRICS_REGISTRY } from '@app/platform';
import { EndpointHealthView, SubscriptionIndex } from '@app/subscriptions';
import type { AttemptOutcome } from '../delivery/attempt-outcome';
import { EndpointGates, Entry } from './endpoint-gates';
import { PlaceQueues } from './place-queues';
import { OperationalNotifier } from './operational-notifier';

/**
 * Endpoint health in the dispatcher: asks the gates whether a delivery may call its endpoint, tells them
 * how each attempt went, writes what changed to the endpoint-health topic (once a second at most), and
 * disables an endpoint that answered 410 Gone or failed for ENDPOINT_DISABLE_AFTER: the subscription is
 * written disabled with the reason, the audit log records it, and an `endpoint.disabled` operational
 * event goes to OPERATIONAL_WEBHOOK_URL.
 */
@Injectable()
export class EndpointsService implements OnModuleInit, OnApplicationShutdown {
  readonly gates: EndpointGates;
  private readonly queues: PlaceQueues;
  private readonly notifier: OperationalNotifier;
  private readonly disabling = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(CONFIG) config: HookstreamConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
    private readonly index: SubscriptionIndex,
    private readonly health: EndpointHealthView,
    private readonly metrics: DeliveryMetrics,
  ) {
    this.gates = new EndpointGates({
      maxInFlight: config.endpointMaxInFlight,
      slowMaxInFlight: Math.max(1, Math.floor(config.endpointMaxInFlight / 8)),
      slowMs: Math.min(1000, config.DELIVERY_TIMEOUT_MS / 4),
      circuit: { threshold: config.CIRCUIT_FAILURE_THRESHOLD, cooldownMs: config.CIRCUIT_COOLDOWN_MS, cooldownMaxMs: config.CIRCUIT_COOLDOWN_MAX_MS },
      disableAfterMs: config.ENDPOINT_DISABLE_AFTER,
      capWaitMs: config.RETRY_BASE_MS,
      // A responsive endpoint frees a place within its attempt time; a wait longer than this says it no longer does.
      queueWaitMs: Math.min(250, config.DELIVERY_TIMEOUT_MS / 4),
      attemptTimeoutMs: config.DELIVERY_TIMEOUT_MS,
    });
    this.queues = new PlaceQueues(this.gates, (entry) => this.counted(entry));
    const target = config.OPERATIONAL_WEBHOOK_URL && config.OPERATIONAL_WEBHOOK_SECRET ? { url: config.OPERATIONAL_WEBHOOK_URL, secret: config.OPERATIONAL_WEBHOOK_SECRET } : null;
    this.notifier = new OperationalNotifier(target, logger, config.DELIVERY_TIMEOUT_MS);
    const gates = this.gates;
    new Gauge({ name: 'hookstream_circuits_open', help: 'Endpoints whose circuit is open or half-open on this dispatcher', registers: [registry], collect() { this.set(gates.openCircuits); } });
    new Gauge({
      name: 'hookstream_endpoints_disabled',
      help: 'Subscriptions disabled (by an operator or by hookstream)',
      registers: [registry],
      collect() {
        this.set(index.list().filter((s) => !s.enabled).length);
      },
    });
  }

  onModuleInit(): void {
    this.health.onRecord((r) => this.gates.seed(r));
    // A deleted endpoint is forgotten. One enabled again starts afresh (closed circuit, no failures), and says
    // so on the health topic, so neither the API nor a dispatcher starting later sees its old failures.
    this.index.onChange((before, after) => {
      if (!after && before) this.gates.forget(before.id);
      if (after && before && !before.enabled && after.enabled) {
        this.gates.forget(after.id);
        this.gates.touch(after.id);
      }
    });
    this.timer = setInterval(guarded(this.logger, 'endpoint health write', () => this.flush()), 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.queues.releaseAll();
    await this.flush().catch(() => undefined);
  }

  /** Whether a delivery may call its endpoint: at once, after a short wait for a place, or deferred. */
  admit(sub: SubscriptionRecord, comesBackFromRateLimit: boolean): Promise<Entry> {
    return this.queues.admit(sub, comesBackFromRateLimit);
  }

  finish(sub: SubscriptionRecord, entry: { probe: boolean; at: number }, outcome: AttemptOutcome): void {
    const { circuit, disable } = this.gates.finish(sub.id, entry.probe, outcome, Date.now(), entry.at);
    // The place just freed goes to the delivery waiting longest; an opened circuit sends every waiter away.
    if (circuit === 'opened') this.queues.releaseAll(sub.id);
    else this.queues.handOver(sub.id);
    if (circuit) this.logger.warn({ 'subscription.id': sub.id, 'url.full': sub.url, circuit }, circuit === 'opened' ? 'endpoint circuit opened' : 'endpoint circuit closed');
    if (disable) void this.disable(sub, disable);
  }

  private counted(entry: Entry): Entry {
    if (entry.kind === 'defer') this.metrics.deferred.inc({ reason: entry.reason });
    return entry;
  }

  private async disable(sub: SubscriptionRecord, reason: string): Promise<void> {
    const current = this.index.get(sub.id);
    if (!current?.enabled || this.disabling.has(sub.id)) return;
    this.disabling.add(sub.id);
    try {
      const at = new Date().toISOString();
      await this.publisher.publish([
        this.writer.subscription(sub.id, { ...current, enabled: false, disabled_reason: reason, disabled_at: at, updated_at: at }),
        this.writer.endpointDisabled({ kind: 'endpoint-disabled', version: 1, at, subscription_id: sub.id, url: current.url, reason, tenant_id: current.tenant_id }),
      ]);
      this.logger.warn({ 'subscription.id': sub.id, 'url.full': current.url, reason }, 'endpoint disabled');
      await this.notifier.send({ type: 'endpoint.disabled', data: { subscription_id: sub.id, tenant_id: current.tenant_id, url: current.url, reason, disabled_at: at } });
    } catch (e) {
      this.logger.error({ 'subscription.id': sub.id, 'error.message': (e as Error).message }, 'endpoint could not be disabled; it will be tried again on its next failure');
    } finally {
      this.disabling.delete(sub.id);
    }
  }

  private async flush(): Promise<void> {
    const changed = this.gates.takeChanged(Date.now());
    if (changed.length > 0) await this.publisher.publish(changed.map((r) => this.writer.endpointHealth(r)));
  }
}
