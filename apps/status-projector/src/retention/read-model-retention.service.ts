import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Counter, Registry } from 'prom-client';
import type { HookstreamConfig } from '@app/config';
import { guarded, Logger, prunedRowsCounter } from '@app/observability';
import { DEFAULT_PACE, PruneResult, ReadModelPruner } from '@app/persistence';
import { CONFIG, LOGGER, METRICS_REGISTRY } from '@app/platform';

const DAY_MS = 86_400_000;

/**
 * Keeps the read model to READ_MODEL_RETENTION_DAYS. Every READ_MODEL_PRUNE_INTERVAL (the first one interval
 * after start) a run deletes what is older, in small paced chunks beside the projection; the next run is
 * scheduled when one ends, so runs never overlap. With several projectors only the one that takes the
 * advisory lock prunes; the others skip that run.
 */
@Injectable()
export class ReadModelRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;
  private readonly stopping = new AbortController();
  private readonly prunedRows: Counter<'table'>;

  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly pruner: ReadModelPruner,
  ) {
    this.prunedRows = prunedRowsCounter(registry);
  }

  onApplicationBootstrap(): void {
    if (this.config.READ_MODEL_RETENTION_DAYS === 0) {
      this.logger.info({}, 'read model retention off (READ_MODEL_RETENTION_DAYS=0): nothing is pruned');
      return;
    }
    this.schedule();
  }

  /** Stops at the end of the chunk in progress; what is left goes in a later run. */
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.stopping.abort();
    await this.running?.catch(() => undefined);
  }

  /** One run: rows older than the retention before `now` leave; one log line says what it did. */
  async runOnce(now = Date.now()): Promise<PruneResult> {
    const cutoff = new Date(now - this.config.READ_MODEL_RETENTION_DAYS * DAY_MS);
    const started = Date.now();
    const result = await this.pruner.prune(cutoff, DEFAULT_PACE, this.stopping.signal);
    const fields = { 'read_model.cutoff': cutoff.toISOString(), 'event.duration': (Date.now() - started) * 1_000_000 };
    if (!result.ran) {
      this.logger.info(fields, 'read model pruning skipped: another status projector holds the pruning lock');
      return result;
    }
    for (const [table, n] of Object.entries(result.pruned)) if (n > 0) this.prunedRows.inc({ table }, n);
    const total = Object.values(result.pruned).reduce((a, b) => a + b, 0);
    this.logger.info({ ...fields, 'read_model.pruned': result.pruned, 'read_model.pruned_total': total, 'read_model.complete': result.complete }, 'read model pruned');
    return result;
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(
      guarded(this.logger, 'read model pruning', () => {
        const run = this.runOnce().finally(() => {
          this.running = null;
          this.schedule();
        });
        this.running = run;
        return run.then(() => undefined);
      }),
      this.config.READ_MODEL_PRUNE_INTERVAL,
    );
    // A pending run must not keep a stopping process alive.
    this.timer.unref();
  }
}
