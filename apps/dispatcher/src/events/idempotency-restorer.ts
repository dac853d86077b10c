import type { Kafka } from 'kafkajs';
import { dispatchRecordSchema, parseRecord } from '@app/contracts';
import { TopicView } from '@app/kafka';
import { idempotencyKeyOf, IdempotencyStore } from './idempotency.store';

/**
 * Rebuilds the idempotency store from Kafka after start-up or a rebalance, before any event of the
 * newly owned partitions is handled. The dispatch topic is the changelog: each accepted event left one
 * record there. Only records whose event lies below the committed offset count — work above it will be
 * redone, and redoing it rebuilds its entries in order.
 */
export class IdempotencyRestorer {
  private generation = 0;
  private restoredGeneration = -1;
  private running: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly store: IdempotencyStore,
    private readonly topics: { events: string; dispatch: string },
    private readonly groupId: string,
    private readonly windowMs: number,
  ) {}

  /** Called on every group join with this member's partitions of the events topic. */
  onAssignment(owned: number[], allPartitions: number[]): void {
    this.generation++;
    for (const p of allPartitions) if (!owned.includes(p)) this.store.forget(p);
  }

  async ready(): Promise<void> {
    while (this.restoredGeneration < this.generation) {
      const target = this.generation;
      this.running ??= this.restore(target).finally(() => (this.running = null));
      await this.running;
    }
  }

  private async restore(generation: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let committed: Map<number, number>;
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: this.groupId, topics: [this.topics.events] });
      committed = new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    } finally {
      await admin.disconnect();
    }
    const horizon = Date.now() - this.windowMs;
    const view = new TopicView(
      this.kafka,
      this.topics.dispatch,
      (m) => {
        const r = parseRecord(dispatchRecordSchema, m.value);
        if (!r.ok) return;
        const { source, event_id, at, tenant_id } = r.value;
        const accepted = Date.parse(at);
        if (accepted >= horizon && Number(source.offset) < (committed.get(source.partition) ?? -1)) {
          this.store.remember(source.partition, idempotencyKeyOf(tenant_id, event_id), accepted);
        }
      },
      `${this.groupId}.restore`,
    );
    await view.start();
    try {
      await view.catchUp(120000);
    } finally {
      await view.stop();
    }
    this.restoredGeneration = Math.max(this.restoredGeneration, generation);
  }
}
