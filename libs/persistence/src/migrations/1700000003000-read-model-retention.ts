import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention: deliveries are pruned by when their event was accepted, through an index of their own (every
 * other pruned table already has one leading with its time column).
 */
export class ReadModelRetention1700000003000 implements MigrationInterface {
  name = 'ReadModelRetention1700000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX deliveries_accepted ON deliveries (accepted_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX deliveries_accepted');
  }
}
