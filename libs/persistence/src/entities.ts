import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Read model of subscriptions (secrets and passwords stay sealed). */
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
  @Column('timestamptz', { name: 'accepted_at' }) acceptedAt!: Date;
  /** Null until the dispatcher decided the fan-out; then the number of matched subscriptions. */
  @Column('int', { name: 'subscriber_count', nullable: true }) subscriberCount!: number | null;
}

@Entity('deliveries')
export class DeliveryRow {
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @PrimaryColumn('text', { name: 'subscription_id' }) subscriptionId!: string;
  @Column('text') url!: string;
  @Column('text') status!: 'pending' | 'retrying' | 'delivered' | 'failed';
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
  @Column('text') outcome!: 'delivered' | 'failed';
}

/** The audit log: API calls (from the audit topic) and delivery attempts (from the attempts topic). */
@Entity('audit_log')
export class AuditRow {
  @PrimaryColumn('bigint') id!: string;
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
