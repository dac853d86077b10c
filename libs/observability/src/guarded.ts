import type { Logger } from 'pino';

/**
 * Wraps a callback that runs outside a request or unit of work (an event listener, a timer, a consumer
 * hook): whatever it throws or rejects with is logged, never thrown into the event loop, where it would
 * end the process.
 */
export function guarded<A extends unknown[]>(logger: Logger, what: string, fn: (...args: A) => void | Promise<void>): (...args: A) => void {
  const report = (e: unknown) => logger.error({ 'error.message': e instanceof Error ? e.message : String(e), 'error.stack_trace': e instanceof Error ? e.stack : undefined }, `${what} failed`);
  return (...args: A) => {
    try {
      const result = fn(...args);
      if (result instanceof Promise) result.catch(report);
    } catch (e) {
      report(e);
    }
  };
}
