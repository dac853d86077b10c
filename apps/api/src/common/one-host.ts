import type { NextFunction, Request, Response } from 'express';

/**
 * A request with more than one Host header line is refused with 400, as HTTP/1.1 requires: Node keeps the
 * first and drops the rest, so a proxy in front that read another one would disagree with us on which site
 * (and which allow-list entry) the request is for. Node itself already refuses a request with no Host.
 */
export function oneHost(req: Request, res: Response, next: NextFunction): void {
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') hosts += 1;
  if (hosts <= 1) return next();
  res.status(400).json({ statusCode: 400, error: 'Bad Request', message: `the request has ${hosts} Host headers; send exactly one` });
}
