import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@app/observability';
import { Database, ProjectionRepository } from '@app/persistence';
import { ConsumerWorker, WorkerPlatform } from '@app/platform';
import { REBUILD } from '../tokens';
import { ProjectionService } from './projection.service';

/** One unit of work per fetched batch: the whole batch lands in one transaction before its offsets commit. */
@Injectable()
export class ProjectionConsumer extends ConsumerWorker {
  private readonly groupId: string;
  private readonly logger: Logger;

  constructor(
    private readonly platform: WorkerPlatform,
    @Inject(REBUILD) private readonly rebuild: boolean,
    private readonly db: Database,
    private readonly repository: ProjectionRepository,
    projection: ProjectionService,
  ) {
    const { config, topics } = platform;
    const groupId = `${config.KAFKA_TOPIC_PREFIX}.status-projector`;
    super(platform, {
      groupId,
      topics: [topics.subscriptions, topics.events, topics.dispatch, topics.attempts, topics.audit],
      unit: 'batch',
      // A fetch waits for 32 KiB or 250 ms: under load fewer, larger batches and transactions; when idle a
      // record reaches the read model at most 250 ms later (status stays well within its one second).
      minBytes: 32 * 1024,
      maxWaitMs: 250,
      // Batches in flight at once; the writer folds them into as few transactions as it can.
      concurrency: 64,
      handle: (messages, { topic, partition }) => projection.project(topic, partition, messages),
    });
    this.groupId = groupId;
    this.logger = platform.logger;
  }

  override async start(): Promise<void> {
    await this.db.ready();
    if (this.rebuild) await this.rebuildFromScratch();
    await super.start();
  }

  /**
   * Empties the read model and deletes the consumer group's committed offsets, so the consumer replays
   * every topic from its earliest retained record. Refused while another projector is in the group.
   */
  private async rebuildFromScratch(): Promise<void> {
    const admin = this.platform.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([this.groupId]);
      const state = groups[0]?.state ?? 'Dead';
      if (state !== 'Empty' && state !== 'Dead') {
        throw new Error(`consumer group ${this.groupId} is ${state}: stop the running status projector before rebuilding`);
      }
      this.logger.info({ 'kafka.group': this.groupId, state }, 'rebuild: no projector is running; emptying the read model');
      await this.repository.truncateAll();
      // Without committed offsets the consumer starts from the earliest retained record of every topic.
      if (state !== 'Dead') await admin.deleteGroups([this.groupId]);
      this.logger.info({ 'kafka.group': this.groupId }, 'read model emptied; replaying Kafka from the earliest retained records');
    } finally {
      await admin.disconnect();
    }
  }
}
