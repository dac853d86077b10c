import { STATUS_CODES } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** Turns body-parser failures (too large, malformed JSON, unreadable encoding) into the API's JSON error shape. */
export function bodyErrors(err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction): void {
  if (err.type === 'entity.too.large') {
    res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: 'request bodies may be at most 256 KiB' });
  } else if (err.type === 'entity.parse.failed') {
    res.status(400).json({ statusCode: 400, error: 'Bad Request', message: `the body is not valid JSON: ${err.message}` });
  } else if (err.status && err.status >= 400 && err.status < 500) {
    res.status(err.status).json({ statusCode: err.status, error: STATUS_CODES[err.status] ?? 'Bad Request', message: err.message });
  } else {
    next(err);
  }
}
