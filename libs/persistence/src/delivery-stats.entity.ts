import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Delivery statistics per minute and per hour and endpoint, added up from the rows the projector newly
 * inserted (a replayed record inserts nothing, so adds nothing): the overview's charts read these, not attempts.
 * First-attempt latency (acceptance to the end of the first attempt) is kept as a histogram: the counts of
 * first attempts at or under each bound, from which p50 and p95 are read.
 */
export const LATENCY_BOUNDS_MS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000] as const;
export const LATENCY_PROPERTIES = [
  'latencyLe10',
  'latencyLe25',
  'latencyLe50',
  'latencyLe100',
  'latencyLe250',
  'latencyLe500',
  'latencyLe1000',
  'latencyLe2500',
  'latencyLe5000',
  'latencyLe10000',
  'latencyLe30000',
  'latencyOver30000',
] as const;

/** The counters of one period and endpoint, kept per minute and again per hour. */
export abstract class DeliveryCounters {
  @Column('text', { name: 'tenant_id', default: '' }) tenantId!: string;
  @Column('int', { default: 0 }) attempts!: number;
  /** Attempts after the first of their sequence. */
  @Column('int', { default: 0 }) retries!: number;
  /** Deliveries that ended delivered in this period. */
  @Column('int', { default: 0 }) delivered!: number;
  /** Deliveries that ended failed in this period (no attempt left). */
  @Column('int', { default: 0 }) failed!: number;
  @Column('int', { default: 0 }) deferred!: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'last_error_at', nullable: true }) lastErrorAt!: Date | null;
  @Column('int', { name: 'latency_le_10', default: 0 }) latencyLe10!: number;
  @Column('int', { name: 'latency_le_25', default: 0 }) latencyLe25!: number;
  @Column('int', { name: 'latency_le_50', default: 0 }) latencyLe50!: number;
  @Column('int', { name: 'latency_le_100', default: 0 }) latencyLe100!: number;
  @Column('int', { name: 'latency_le_250', default: 0 }) latencyLe250!: number;
  @Column('int', { name: 'latency_le_500', default: 0 }) latencyLe500!: number;
  @Column('int', { name: 'latency_le_1000', default: 0 }) latencyLe1000!: number;
  @Column('int', { name: 'latency_le_2500', default: 0 }) latencyLe2500!: number;
  @Column('int', { name: 'latency_le_5000', default: 0 }) latencyLe5000!: number;
  @Column('int', { name: 'latency_le_10000', default: 0 }) latencyLe10000!: number;
  @Column('int', { name: 'latency_le_30000', default: 0 }) latencyLe30000!: number;
  @Column('int', { name: 'latency_over_30000', default: 0 }) latencyOver30000!: number;
}

/** Per minute: the charts of short windows, and the edges of long ones. */
@Entity('delivery_stats')
@Index('delivery_stats_tenant_minute', ['tenantId', 'minute'])
export class DeliveryStatsRow extends DeliveryCounters {
  @PrimaryColumn('timestamptz') minute!: Date;
  @PrimaryColumn('text', { name: 'subscription_id' }) subscriptionId!: string;
}

/**
 * Per hour, the same sums: a window of days reads hours (24 rows a day per endpoint instead of 1,440), and its
 * minutes only at the edges.
 */
@Entity('delivery_stats_hourly')
@Index('delivery_stats_hourly_tenant_hour', ['tenantId', 'hour'])
export class DeliveryStatsHourlyRow extends DeliveryCounters {
  @PrimaryColumn('timestamptz') hour!: Date;
  @PrimaryColumn('text', { name: 'subscription_id' }) subscriptionId!: string;
}

/** The histogram property a first-attempt latency counts in. */
export function latencyProperty(ms: number): (typeof LATENCY_PROPERTIES)[number] {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => ms <= b);
  return LATENCY_PROPERTIES[i === -1 ? LATENCY_PROPERTIES.length - 1 : i]!;
}
