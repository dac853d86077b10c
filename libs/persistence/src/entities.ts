import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { AttemptOutcomeName, DeferralReason, DeliveryStatus, EventStatus } from '@app/contracts';
import { DeliveryStatsHourlyRow, DeliveryStatsRow } from './delivery-stats.entity';

/*
 * The read model, declared once. Migrations create exactly these tables (a test runs them on an empty
 * database and requires TypeORM to find nothing to change, and compares every index), and the projector's
 * statements take their table and column names from here (bulkUpsert, bulkUpdate). Rows outside tenants
 * carry the tenant '' (so it can be part of a key); the API shows it as null.
 */

/** Subscriptions (secrets, passwords and custom header values stay sealed). */
@Entity('subscriptions')
export class SubscriptionRow {
  @PrimaryColumn('text') id!: string;
  @Column('text') url!: string;
  @Column('jsonb') events!: string[];
  @Column('text', { name: 'auth_type', nullable: true }) authType!: string | null;
  @Column('text', { name: 'auth_username', nullable: true }) authUsername!: string | null;
  @Column('text', { name: 'auth_password_sealed', nullable: true }) authPasswordSealed!: string | null;
  @Column('text', { name: 'secret_sealed' }) secretSealed!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('boolean') enabled!: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('text', { name: 'tenant_id', nullable: true }) tenantId!: string | null;
  @Column('jsonb', { nullable: true }) filter!: Record<string, unknown> | null;
  @Column('jsonb', { name: 'headers_sealed', default: () => "'{}'" }) headersSealed!: Record<string, string>;
  @Column('double precision', { name: 'rate_limit', nullable: true }) rateLimit!: number | null;
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason!: string | null;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt!: Date | null;
}

/** One row per accepted event, with its status and delivery counts folded from its deliveries. */
@Entity('events')
@Index('events_accepted', ['acceptedAt', 'tenantId', 'id'])
@Index('events_tenant_accepted', ['tenantId', 'acceptedAt', 'id'])
// A status or type filter walks its own index in the list's whole order (accepted_at, tenant_id, id), so a page
// needs no sort however many events match.
@Index('events_status_accepted', ['status', 'acceptedAt', 'tenantId', 'id'])
@Index('events_type_accepted', ['type', 'acceptedAt', 'tenantId', 'id'])
export class EventRow {
  @PrimaryColumn('text', { name: 'tenant_id', default: '' }) tenantId!: string;
  @PrimaryColumn('text') id!: string;
  /** Byte order ("C"): types are ASCII words, and a prefix filter (LIKE 'order.%') can then range over the index. */
  @Column({ type: 'text', collation: 'C' }) type!: string;
  @Column('jsonb', { nullable: true }) data!: Record<string, unknown> | null;
  @Column('timestamptz', { name: 'occurred_at', nullable: true }) occurredAt!: Date | null;
  @Column('timestamptz', { name: 'accepted_at', default: () => 'now()' }) acceptedAt!: Date;
  /** Null until the dispatcher decided the fan-out; then the number of matched subscriptions. */
  @Column('int', { name: 'subscriber_count', nullable: true }) subscriberCount!: number | null;
  @Column('text', { default: 'pending' }) status!: EventStatus;
  @Column('int', { default: 0 }) attempts!: number;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt!: Date | null;
  @Column('int', { name: 'deliveries_total', default: 0 }) deliveriesTotal!: number;
  @Column('int', { name: 'deliveries_pending', default: 0 }) deliveriesPending!: number;
  @Column('int', { name: 'deliveries_retrying', default: 0 }) deliveriesRetrying!: number;
  @Column('int', { name: 'deliveries_delivered', default: 0 }) deliveriesDelivered!: number;
  @Column('int', { name: 'deliveries_failed', default: 0 }) deliveriesFailed!: number;
  @Column('int', { name: 'deliveries_skipped', default: 0 }) deliveriesSkipped!: number;
}

@Entity('deliveries')
// An endpoint's deliveries (and its events) in the list's whole order, so a page needs no sort.
@Index('deliveries_subscription_accepted', ['subscriptionId', 'acceptedAt', 'tenantId', 'eventId'])
// Retention prunes deliveries by acceptance (and those without one, whose accepted_at IS NULL, by their last change).
@Index('deliveries_accepted', ['acceptedAt'])
@Index('deliveries_recoverable', ['subscriptionId', 'updatedAt'], { where: `status = ANY (ARRAY['failed', 'skipped'])` })
export class DeliveryRow {
  @PrimaryColumn('text', { name: 'tenant_id', default: '' }) tenantId!: string;
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @PrimaryColumn('text', { name: 'subscription_id' }) subscriptionId!: string;
  @Column('text') url!: string;
  @Column('text') status!: DeliveryStatus;
  @Column('int') attempts!: number;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt!: Date | null;
  @Column('int', { name: 'last_status_code', nullable: true }) lastStatusCode!: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  /** When the event was accepted (its deliveries are listed per endpoint in that order). */
  @Column('timestamptz', { name: 'accepted_at', nullable: true }) acceptedAt!: Date | null;
  /** When the delivery last changed state (recovery picks deliveries that ended in a window by it). */
  @Column('timestamptz', { name: 'updated_at', nullable: true }) updatedAt!: Date | null;
}

@Entity('attempts')
@Index('attempts_started', ['startedAt'])
export class AttemptRow {
  @PrimaryColumn('text', { name: 'tenant_id', default: '' }) tenantId!: string;
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @PrimaryColumn('text', { name: 'subscription_id' }) subscriptionId!: string;
  @PrimaryColumn('int') attempt!: number;
  @Column('text') url!: string;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('int', { name: 'duration_ms' }) durationMs!: number;
  @Column('int', { name: 'status_code', nullable: true }) statusCode!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('text') outcome!: AttemptOutcomeName;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
}

/** Deliveries put off without a request (endpoint at its cap, circuit open, over its rate limit). */
@Entity('deferrals')
@Index('deferrals_at', ['at'])
export class DeferralRow {
  /** topic:partition:offset of its record, so a replay adds nothing twice. */
  @PrimaryColumn('text') source!: string;
  @Column('text', { name: 'tenant_id', default: '' }) tenantId!: string;
  @Column('text', { name: 'event_id' }) eventId!: string;
  @Column('text', { name: 'subscription_id' }) subscriptionId!: string;
  @Column('int') attempt!: number;
  @Column('text') reason!: DeferralReason;
  @Column('timestamptz') at!: Date;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt!: Date;
}

/** The audit log: API calls and endpoints disabled (audit topic), delivery attempts (attempts topic). */
@Entity('audit_log')
@Unique('audit_log_source_key', ['source'])
@Index('audit_log_at', ['at', 'id'])
@Index('audit_log_key_at', ['keyId', 'at'])
@Index('audit_log_tenant', ['tenantId', 'id'])
export class AuditRow {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  /** topic:partition:offset of the record it was folded from, so a replay adds nothing twice. */
  @Column('text') source!: string;
  @Column('timestamptz') at!: Date;
  @Column('text') kind!: 'api.call' | 'delivery.attempt' | 'endpoint.disabled';
  @Column('text', { name: 'key_id', nullable: true }) keyId!: string | null;
  @Column('text', { name: 'client_ip', nullable: true }) clientIp!: string | null;
  @Column('text', { nullable: true }) method!: string | null;
  @Column('text', { nullable: true }) path!: string | null;
  @Column('int', { nullable: true }) status!: number | null;
  @Column('text', { name: 'subscription_id', nullable: true }) subscriptionId!: string | null;
  @Column('text', { name: 'event_id', nullable: true }) eventId!: string | null;
  @Column('jsonb', { nullable: true }) detail!: Record<string, unknown> | null;
  @Column('text', { name: 'tenant_id', nullable: true }) tenantId!: string | null;
}


export const ENTITIES = [SubscriptionRow, EventRow, DeliveryRow, AttemptRow, DeferralRow, AuditRow, DeliveryStatsRow, DeliveryStatsHourlyRow];
