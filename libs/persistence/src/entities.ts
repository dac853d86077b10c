import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { AttemptOutcomeName, DeliveryStatus } from '@app/contracts';

/*
 * The read model, declared once. Migrations create exactly these tables (a test runs them on an empty
 * database and requires TypeORM to find nothing to change), and the projector's statements take their
 * table and column names from here (bulkUpsert).
 */

/** Subscriptions (secrets and passwords stay sealed). */
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
}

@Entity('events')
export class EventRow {
  @PrimaryColumn('text') id!: string;
  @Column('text') type!: string;
  @Column('jsonb', { nullable: true }) data!: Record<string, unknown> | null;
  @Column('timestamptz', { name: 'occurred_at', nullable: true }) occurredAt!: Date | null;
  @Column('timestamptz', { name: 'accepted_at', default: () => 'now()' }) acceptedAt!: Date;
  /** Null until the dispatcher decided the fan-out; then the number of matched subscriptions. */
  @Column('int', { name: 'subscriber_count', nullable: true }) subscriberCount!: number | null;
}

@Entity('deliveries')
@Index('deliveries_failed', ['eventId'], { where: `status = 'failed'` })
export class DeliveryRow {
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @PrimaryColumn('text', { name: 'subscription_id' }) subscriptionId!: string;
  @Column('text') url!: string;
  @Column('text') status!: DeliveryStatus;
  @Column('int') attempts!: number;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt!: Date | null;
  @Column('int', { name: 'last_status_code', nullable: true }) lastStatusCode!: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
}

@Entity('attempts')
export class AttemptRow {
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @PrimaryColumn('text', { name: 'subscription_id' }) subscriptionId!: string;
  @PrimaryColumn('int') attempt!: number;
  @Column('text') url!: string;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('int', { name: 'duration_ms' }) durationMs!: number;
  @Column('int', { name: 'status_code', nullable: true }) statusCode!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('text') outcome!: AttemptOutcomeName;
}

/** The audit log: API calls (from the audit topic) and delivery attempts (from the attempts topic). */
@Entity('audit_log')
@Unique('audit_log_source_key', ['source'])
@Index('audit_log_at', ['at', 'id'])
export class AuditRow {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  /** topic:partition:offset of the record it was folded from, so a replay adds nothing twice. */
  @Column('text') source!: string;
  @Column('timestamptz') at!: Date;
  @Column('text') kind!: 'api.call' | 'delivery.attempt';
  @Column('text', { name: 'key_id', nullable: true }) keyId!: string | null;
  @Column('text', { name: 'client_ip', nullable: true }) clientIp!: string | null;
  @Column('text', { nullable: true }) method!: string | null;
  @Column('text', { nullable: true }) path!: string | null;
  @Column('int', { nullable: true }) status!: number | null;
  @Column('text', { name: 'subscription_id', nullable: true }) subscriptionId!: string | null;
  @Column('text', { name: 'event_id', nullable: true }) eventId!: string | null;
  @Column('jsonb', { nullable: true }) detail!: Record<string, unknown> | null;
}

export const ENTITIES = [SubscriptionRow, EventRow, DeliveryRow, AttemptRow, AuditRow];
