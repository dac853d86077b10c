import { Registry } from 'prom-client';
import { loadConfig } from '@app/config';
import type { Logger } from '@app/observability';
import type { PrunePace, PruneResult, ReadModelPruner } from '@app/persistence';
import { ReadModelRetention } from './read-model-retention.service';

const config = (env: Record<string, string>) => loadConfig({ HOOKSTREAM_DATA_DIR: '/tmp/hookstream-spec', ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'), ...env });

function setUp(env: Record<string, string>, answer: PruneResult) {
  const calls: Array<{ cutoff: Date; pace: PrunePace }> = [];
  const pruner = { prune: async (cutoff: Date, pace: PrunePace) => (calls.push({ cutoff, pace }), answer) } as unknown as ReadModelPruner;
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger = { info: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }), error: jest.fn() } as unknown as Logger;
  const registry = new Registry();
  return { service: new ReadModelRetention(config(env), logger, registry, pruner), calls, lines, registry };
}

const prunedMetric = async (registry: Registry) => (await registry.getSingleMetric('hookstream_read_model_pruned_rows_total')!.get()).values.map((v) => [v.labels.table, v.value]);

describe('ReadModelRetention', () => {
  it('prunes what is older than the retention, counts the rows by table and logs one line for the run', async () => {
    const { service, calls, lines, registry } = setUp({ READ_MODEL_RETENTION_DAYS: '0.5' }, { ran: true, pruned: { attempts: 7, events: 2, deferrals: 0 }, complete: true });
    const now = Date.parse('2026-01-02T00:00:00Z');
    await service.runOnce(now);
    expect(calls.map((c) => c.cutoff.toISOString())).toEqual(['2026-01-01T12:00:00.000Z']);
    expect(await prunedMetric(registry)).toEqual([['attempts', 7], ['events', 2]]);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toBe('read model pruned');
    expect(lines[0]!.fields).toMatchObject({ 'read_model.cutoff': '2026-01-01T12:00:00.000Z', 'read_model.pruned_total': 9, 'read_model.complete': true });
  });

  it('says so and counts nothing when another projector holds the pruning lock', async () => {
    const { service, lines, registry } = setUp({}, { ran: false });
    await service.runOnce(Date.parse('2026-03-01T00:00:00Z'));
    expect(lines.map((l) => l.message)).toEqual(['read model pruning skipped: another status projector holds the pruning lock']);
    expect(lines[0]!.fields['read_model.cutoff']).toBe('2026-01-30T00:00:00.000Z');
    expect(await prunedMetric(registry)).toEqual([]);
  });

  it('runs every interval once started, one run after the other, and never with retention 0', async () => {
    jest.useFakeTimers();
    try {
      const on = setUp({ READ_MODEL_PRUNE_INTERVAL: '5s' }, { ran: true, pruned: {}, complete: true });
      on.service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(4999);
      expect(on.calls).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(on.calls).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(5000);
      expect(on.calls).toHaveLength(2);
      await on.service.beforeApplicationShutdown();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(on.calls).toHaveLength(2);

      const off = setUp({ READ_MODEL_RETENTION_DAYS: '0', READ_MODEL_PRUNE_INTERVAL: '5s' }, { ran: true, pruned: {}, complete: true });
      off.service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(off.calls).toHaveLength(0);
      expect(off.lines.map((l) => l.message)).toEqual(['read model retention off (READ_MODEL_RETENTION_DAYS=0): nothing is pruned']);
    } finally {
      jest.useRealTimers();
    }
  });
});
