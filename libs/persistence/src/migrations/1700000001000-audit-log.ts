import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditLog1700000001000 implements MigrationInterface {
  name = 'AuditLog1700000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_log (
      id bigserial PRIMARY KEY, source text NOT NULL UNIQUE, at timestamptz NOT NULL, kind text NOT NULL,
      key_id text, client_ip text, method text, path text, status int, subscription_id text, event_id text,
      detail jsonb)`);
    await q.query('CREATE INDEX audit_log_at ON audit_log (at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
  }
}
