import type { NextFunction, Request, Response } from 'express';
import type { HttpMetrics } from '@app/observability';

/** Counts and times every API request by method, route pattern (not the raw path) and status. */
export function requestMetrics(metrics: HttpMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.duration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
