import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants (a tenant in every key; '' outside tenants), endpoint health (subscription settings, deferrals,
 * skipped deliveries), and the operator console (event status and counts on the event row, the indexes its
 * lists use, per-minute delivery statistics).
 */
export class TenantsHealthConsole1700000002000 implements MigrationInterface {
  name = 'TenantsHealthConsole1700000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subscriptions ADD COLUMN tenant_id text, ADD COLUMN filter jsonb,
      ADD COLUMN headers_sealed jsonb NOT NULL DEFAULT '{}', ADD COLUMN rate_limit double precision,
      ADD COLUMN disabled_reason text, ADD COLUMN disabled_at timestamptz`);

    await q.query(`ALTER TABLE events ADD COLUMN tenant_id text NOT NULL DEFAULT '', ADD COLUMN status text NOT NULL DEFAULT 'pending',
      ADD COLUMN attempts int NOT NULL DEFAULT 0, ADD COLUMN last_attempt_at timestamptz,
      ADD COLUMN deliveries_total int NOT NULL DEFAULT 0, ADD COLUMN deliveries_pending int NOT NULL DEFAULT 0,
      ADD COLUMN deliveries_retrying int NOT NULL DEFAULT 0, ADD COLUMN deliveries_delivered int NOT NULL DEFAULT 0,
      ADD COLUMN deliveries_failed int NOT NULL DEFAULT 0, ADD COLUMN deliveries_skipped int NOT NULL DEFAULT 0`);
    await q.query('ALTER TABLE events DROP CONSTRAINT events_pkey, ADD PRIMARY KEY (tenant_id, id)');
    await q.query('CREATE INDEX events_accepted ON events (accepted_at, tenant_id, id)');
    await q.query('CREATE INDEX events_tenant_accepted ON events (tenant_id, accepted_at, id)');
    await q.query('CREATE INDEX events_status_accepted ON events (status, accepted_at)');
    await q.query('CREATE INDEX events_type_accepted ON events (type, accepted_at)');

    await q.query(`ALTER TABLE deliveries ADD COLUMN tenant_id text NOT NULL DEFAULT '', ADD COLUMN accepted_at timestamptz, ADD COLUMN updated_at timestamptz`);
    await q.query('ALTER TABLE deliveries DROP CONSTRAINT deliveries_pkey, ADD PRIMARY KEY (tenant_id, event_id, subscription_id)');
    await q.query('DROP INDEX deliveries_failed');
    await q.query('CREATE INDEX deliveries_subscription_accepted ON deliveries (subscription_id, accepted_at)');
    await q.query(`CREATE INDEX deliveries_recoverable ON deliveries (subscription_id, updated_at) WHERE status = ANY (ARRAY['failed', 'skipped'])`);

    await q.query(`ALTER TABLE attempts ADD COLUMN tenant_id text NOT NULL DEFAULT '', ADD COLUMN next_attempt_at timestamptz`);
    await q.query('ALTER TABLE attempts DROP CONSTRAINT attempts_pkey, ADD PRIMARY KEY (tenant_id, event_id, subscription_id, attempt)');
    await q.query('CREATE INDEX attempts_started ON attempts (started_at)');

    await q.query(`CREATE TABLE deferrals (source text PRIMARY KEY, tenant_id text NOT NULL DEFAULT '', event_id text NOT NULL,
      subscription_id text NOT NULL, attempt int NOT NULL, reason text NOT NULL, at timestamptz NOT NULL, next_attempt_at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX deferrals_at ON deferrals (at)');

    await q.query('ALTER TABLE audit_log ADD COLUMN tenant_id text');
    await q.query('CREATE INDEX audit_log_key_at ON audit_log (key_id, at)');
    await q.query('CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id)');

    const latency = ['10', '25', '50', '100', '250', '500', '1000', '2500', '5000', '10000', '30000'].map((b) => `latency_le_${b} int NOT NULL DEFAULT 0`);
    await q.query(`CREATE TABLE delivery_stats (minute timestamptz NOT NULL, subscription_id text NOT NULL, tenant_id text NOT NULL DEFAULT '',
      attempts int NOT NULL DEFAULT 0, retries int NOT NULL DEFAULT 0, delivered int NOT NULL DEFAULT 0, failed int NOT NULL DEFAULT 0,
      deferred int NOT NULL DEFAULT 0, last_error text, last_error_at timestamptz, ${latency.join(', ')},
      latency_over_30000 int NOT NULL DEFAULT 0, PRIMARY KEY (minute, subscription_id))`);
    await q.query('CREATE INDEX delivery_stats_tenant_minute ON delivery_stats (tenant_id, minute)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE delivery_stats');
    await q.query('DROP TABLE deferrals');
    await q.query('ALTER TABLE audit_log DROP COLUMN tenant_id');
    await q.query(`DELETE FROM attempts WHERE tenant_id <> ''`);
    await q.query('ALTER TABLE attempts DROP CONSTRAINT attempts_pkey, DROP COLUMN tenant_id, DROP COLUMN next_attempt_at, ADD PRIMARY KEY (event_id, subscription_id, attempt)');
    await q.query(`DELETE FROM deliveries WHERE tenant_id <> ''`);
    await q.query('DROP INDEX deliveries_subscription_accepted');
    await q.query('DROP INDEX deliveries_recoverable');
    await q.query('ALTER TABLE deliveries DROP CONSTRAINT deliveries_pkey, DROP COLUMN tenant_id, DROP COLUMN accepted_at, DROP COLUMN updated_at, ADD PRIMARY KEY (event_id, subscription_id)');
    await q.query(`CREATE INDEX deliveries_failed ON deliveries (event_id) WHERE status = 'failed'`);
    await q.query(`DELETE FROM events WHERE tenant_id <> ''`);
    await q.query(`ALTER TABLE events DROP CONSTRAINT events_pkey, DROP COLUMN tenant_id, DROP COLUMN status, DROP COLUMN attempts,
      DROP COLUMN last_attempt_at, DROP COLUMN deliveries_total, DROP COLUMN deliveries_pending, DROP COLUMN deliveries_retrying,
      DROP COLUMN deliveries_delivered, DROP COLUMN deliveries_failed, DROP COLUMN deliveries_skipped, ADD PRIMARY KEY (id)`);
    await q.query(`ALTER TABLE subscriptions DROP COLUMN tenant_id, DROP COLUMN filter, DROP COLUMN headers_sealed, DROP COLUMN rate_limit,
      DROP COLUMN disabled_reason, DROP COLUMN disabled_at`);
  }
}
