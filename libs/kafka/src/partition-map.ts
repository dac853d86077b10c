import type { Admin } from 'kafkajs';

/** Where a topic's partitions are: their count (for the key → partition hash) and each one's leader (-1: none now). */
export interface TopicPartitions {
  leaders: number[];
}

/** Reads partition leaders from the cluster; a port so the publisher's rules can be tested without a broker. */
export interface MetadataSource {
  fetch(topics: string[]): Promise<Map<string, TopicPartitions>>;
}

export function adminMetadataSource(admin: Admin): MetadataSource {
  return {
    async fetch(topics) {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      const map = new Map<string, TopicPartitions>();
      for (const t of found) {
        const leaders: number[] = [];
        for (const p of t.partitions) leaders[p.partitionId] = p.leader;
        map.set(t.name, { leaders: Array.from(leaders, (l) => l ?? -1) });
      }
      return map;
    },
  };
}

/**
 * The publisher's picture of the cluster: partition counts and leaders per topic. Refreshes are coalesced
 * (one in flight; callers during it share it) and spaced by `minIntervalMs`, so a broker loss that fails
 * many records at once costs one metadata request, not one per record.
 */
export class PartitionMap {
  private readonly topics = new Map<string, TopicPartitions>();
  private refreshing: Promise<void> | null = null;
  private lastRefresh = 0;
  private readonly wanted = new Set<string>();

  constructor(
    private readonly source: MetadataSource,
    private readonly minIntervalMs = 100,
  ) {}

  get(topic: string): TopicPartitions | undefined {
    return this.topics.get(topic);
  }

  /** Metadata for every topic named, fetched once for those not known yet. */
  async ensure(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !this.topics.has(t));
    if (missing.length === 0) return;
    for (const t of missing) this.wanted.add(t);
    await this.refresh(true);
  }

  /** Learns leaders again after a send failed (a broker lost, leadership moved). */
  async refresh(now = false): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const wait = now ? 0 : Math.max(0, this.lastRefresh + this.minIntervalMs - Date.now());
    this.refreshing = (async () => {
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        const fetched = await this.source.fetch([...this.wanted, ...this.topics.keys()].filter((t, i, all) => all.indexOf(t) === i));
        for (const [topic, partitions] of fetched) if (partitions.leaders.length > 0) this.topics.set(topic, partitions);
      } finally {
        this.lastRefresh = Date.now();
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}
