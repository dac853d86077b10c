import { raiseFactorHint, replicationSettings } from './replication';

describe('replicationSettings', () => {
  it('takes 3 replicas with 2 in sync on a cluster of 3 or more, and what there is on a smaller one', () => {
    expect(replicationSettings({}, 5)).toEqual({ factor: 3, minInsync: 2 });
    expect(replicationSettings({}, 3)).toEqual({ factor: 3, minInsync: 2 });
    expect(replicationSettings({}, 2)).toEqual({ factor: 2, minInsync: 1 });
    expect(replicationSettings({}, 1)).toEqual({ factor: 1, minInsync: 1 });
  });

  it('keeps what is configured', () => {
    expect(replicationSettings({ factor: 5 }, 6)).toEqual({ factor: 5, minInsync: 2 });
    expect(replicationSettings({ factor: 3, minInsync: 3 }, 3)).toEqual({ factor: 3, minInsync: 3 });
    expect(replicationSettings({ minInsync: 1 }, 3)).toEqual({ factor: 3, minInsync: 1 });
  });

  it('refuses a factor the cluster cannot hold and an in-sync count no write could meet, naming the variable', () => {
    expect(() => replicationSettings({ factor: 3 }, 1)).toThrow(/KAFKA_REPLICATION_FACTOR is 3 but the cluster has 1 broker/);
    expect(() => replicationSettings({ factor: 2, minInsync: 3 }, 3)).toThrow(/KAFKA_MIN_INSYNC_REPLICAS is 3/);
  });
});

describe('raiseFactorHint', () => {
  it("names the topics, their replicas and Kafka's reassignment command", () => {
    const hint = raiseFactorHint([{ topic: 'webhooks.events', replicas: 1 }], 3, ['k1:9092', 'k2:9092']);
    expect(hint).toContain('webhooks.events (1)');
    expect(hint).toContain('kafka-reassign-partitions.sh --bootstrap-server k1:9092,k2:9092 --reassignment-json-file plan.json --execute');
  });
});
