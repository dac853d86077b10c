import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1700000000000 implements MigrationInterface {
  name = 'Initial1700000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE subscriptions (
      id text PRIMARY KEY, url text NOT NULL, events jsonb NOT NULL, auth_type text, auth_username text,
      auth_password_sealed text, secret_sealed text NOT NULL, description text, enabled boolean NOT NULL,
      created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE events (
      id text PRIMARY KEY, type text NOT NULL, data jsonb, occurred_at timestamptz,
      accepted_at timestamptz NOT NULL DEFAULT now(), subscriber_count int)`);
    await q.query(`CREATE TABLE deliveries (
      event_id text NOT NULL, subscription_id text NOT NULL, url text NOT NULL, status text NOT NULL,
      attempts int NOT NULL, last_attempt_at timestamptz, last_status_code int, last_error text,
      next_attempt_at timestamptz, PRIMARY KEY (event_id, subscription_id))`);
    await q.query(`CREATE INDEX deliveries_failed ON deliveries (event_id) WHERE status = 'failed'`);
    await q.query(`CREATE TABLE attempts (
      event_id text NOT NULL, subscription_id text NOT NULL, attempt int NOT NULL, url text NOT NULL,
      started_at timestamptz NOT NULL, duration_ms int NOT NULL, status_code int, error text, outcome text NOT NULL,
      PRIMARY KEY (event_id, subscription_id, attempt))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE attempts');
    await q.query('DROP TABLE deliveries');
    await q.query('DROP TABLE events');
    await q.query('DROP TABLE subscriptions');
  }
}
