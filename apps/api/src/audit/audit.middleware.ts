import type { NextFunction, Request, Response } from 'express';
import { AuditRecord, encodeRecord } from '@app/contracts';
import type { Publisher } from '@app/kafka';
import type { Logger } from '@app/observability';
import type { Caller } from '../access/access.middleware';

/** Which subscription or event a call was about, from its path, query or response body. */
export function subjectOf(path: string, query: Request['query'], body: unknown): { subscription_id: string | null; event_id: string | null } {
  const bodyId = body !== null && typeof body === 'object' && typeof (body as { id?: unknown }).id === 'string' ? (body as { id: string }).id : null;
  const sub = /^\/webhooks\/(?!status(?:\/|$))([^/]+)/.exec(path)?.[1] ?? (path === '/webhooks' ? bodyId : null);
  const evt = /^\/events\/([^/]+)/.exec(path)?.[1] ?? (path === '/events' ? bodyId : null) ?? (typeof query.event_id === 'string' ? query.event_id : null);
  return { subscription_id: sub ? decodeURIComponent(sub) : null, event_id: evt ? decodeURIComponent(evt) : null };
}

/**
 * Records every API call on the audit topic once its response is sent: when, which key (by id), from which
 * address, what, and the result. Registered before access control, so refused calls are recorded too.
 */
export function auditTrail(publisher: Publisher, topic: string, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    let body: unknown = null;
    const json = res.json.bind(res);
    res.json = (b: unknown) => {
      body = b;
      return json(b);
    };
    res.on('finish', () => {
      const caller = (res.locals as { caller?: Caller }).caller;
      const record: AuditRecord = {
        kind: 'audit',
        version: 1,
        at: new Date().toISOString(),
        key_id: caller?.keyId ?? null,
        client_ip: req.ip ?? req.socket.remoteAddress ?? '',
        method: req.method,
        path: req.path,
        status: res.statusCode,
        duration_ms: Math.round(performance.now() - started),
        ...subjectOf(req.path, req.query, body),
      };
      publisher
        .publish([{ topic, key: record.key_id ?? record.client_ip, value: encodeRecord(record) }])
        .catch((e: Error) => logger.error({ 'error.message': e.message, 'http.request.method': req.method, 'url.path': req.path }, 'audit record not written'));
    });
    next();
  };
}
