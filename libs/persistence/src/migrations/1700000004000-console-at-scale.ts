import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator console at millions of rows: the status, type and per-endpoint indexes carry the lists' whole
 * sort key, so a page is read in order instead of sorted; event types compare bytewise, so a type prefix
 * ranges over its index; and an hourly rollup beside the per-minute one (filled from it here), so a window of
 * days sums hours instead of minutes.
 */
export class ConsoleAtScale1700000004000 implements MigrationInterface {
  name = 'ConsoleAtScale1700000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX events_status_accepted');
    await q.query('DROP INDEX events_type_accepted');
    await q.query('ALTER TABLE events ALTER COLUMN type TYPE text COLLATE "C"');
    await q.query('CREATE INDEX events_status_accepted ON events (status, accepted_at, tenant_id, id)');
    await q.query('CREATE INDEX events_type_accepted ON events (type, accepted_at, tenant_id, id)');
    await q.query('DROP INDEX deliveries_subscription_accepted');
    await q.query('CREATE INDEX deliveries_subscription_accepted ON deliveries (subscription_id, accepted_at, tenant_id, event_id)');

    const latency = [...['10', '25', '50', '100', '250', '500', '1000', '2500', '5000', '10000', '30000'].map((b) => `latency_le_${b}`), 'latency_over_30000'];
    await q.query(`CREATE TABLE delivery_stats_hourly (hour timestamptz NOT NULL, subscription_id text NOT NULL, tenant_id text NOT NULL DEFAULT '',
      attempts int NOT NULL DEFAULT 0, retries int NOT NULL DEFAULT 0, delivered int NOT NULL DEFAULT 0, failed int NOT NULL DEFAULT 0,
      deferred int NOT NULL DEFAULT 0, last_error text, last_error_at timestamptz, ${latency.map((c) => `${c} int NOT NULL DEFAULT 0`).join(', ')},
      PRIMARY KEY (hour, subscription_id))`);
    await q.query('CREATE INDEX delivery_stats_hourly_tenant_hour ON delivery_stats_hourly (tenant_id, hour)');
    const sums = ['attempts', 'retries', 'delivered', 'failed', 'deferred', ...latency];
    await q.query(`INSERT INTO delivery_stats_hourly (hour, subscription_id, tenant_id, ${sums.join(', ')}, last_error, last_error_at)
      SELECT date_trunc('hour', minute), subscription_id, min(tenant_id), ${sums.map((c) => `sum(${c})`).join(', ')},
             (array_agg(last_error ORDER BY last_error_at DESC NULLS LAST))[1], max(last_error_at)
        FROM delivery_stats GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE delivery_stats_hourly');
    await q.query('DROP INDEX deliveries_subscription_accepted');
    await q.query('CREATE INDEX deliveries_subscription_accepted ON deliveries (subscription_id, accepted_at)');
    await q.query('DROP INDEX events_type_accepted');
    await q.query('DROP INDEX events_status_accepted');
    await q.query('ALTER TABLE events ALTER COLUMN type TYPE text COLLATE "default"');
    await q.query('CREATE INDEX events_status_accepted ON events (status, accepted_at)');
    await q.query('CREATE INDEX events_type_accepted ON events (type, accepted_at)');
  }
}
