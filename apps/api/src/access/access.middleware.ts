import type { NextFunction, Request, Response } from 'express';
import { ApiKeys, CidrList } from '@app/security';

export interface Caller {
  keyId: string;
  ip: string;
}

/**
 * Every route except `GET /health` needs a client address inside API_ALLOWED_CIDRS (403 otherwise) and, except
 * the dashboard's files under `GET /ui`, a valid `Authorization: Bearer <key>` (401 otherwise). It runs before routing, so `/docs` and `/metrics`
 * are covered too. `req.ip` honours X-Forwarded-For only from proxies named in TRUST_PROXY.
 */
export function accessControl(allowed: CidrList, keys: ApiKeys) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' && req.path === '/health') return next();
    const ip = req.ip ?? req.socket.remoteAddress ?? '';
    if (!allowed.contains(ip)) {
      res.status(403).json({ statusCode: 403, error: 'Forbidden', message: `client address ${ip} is not in API_ALLOWED_CIDRS` });
      return;
    }
    // The dashboard's static files hold no data; the calls the page makes carry the key like any other.
    if (req.method === 'GET' && (req.path === '/ui' || req.path.startsWith('/ui/'))) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const keyId = match ? keys.identify(match[1] ?? '') : null;
    if (!keyId) {
      const message = match ? 'the API key is not valid' : 'send an API key as "Authorization: Bearer <key>"';
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message });
      return;
    }
    (res.locals as { caller?: Caller }).caller = { keyId, ip };
    next();
  };
}
