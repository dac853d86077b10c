import type { NextFunction, Request, Response } from 'express';
import { RecordWriter } from '@app/contracts';
import type { Publisher } from '@app/kafka';
import { guarded, Logger } from '@app/observability';
import { callContext } from '../access/caller';

/**
 * Writes one audit record per API call once its response is sent: when, which key (by id), from which
 * address, what (the raw path, as sent), the result, and the subject the route named (see @AuditSubject).
 * Registered before everything else, so calls refused by the body checks or the access guard are recorded
 * too. Public routes (health probes, the dashboard's files) are not recorded: they name no one and change
 * nothing, and probes would bury the log. It runs in a `finish` listener, so nothing in it may throw: `guarded` logs instead.
 */
export function auditTrail(publisher: Publisher, writer: RecordWriter, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.on(
      'finish',
      guarded(logger, 'audit record', async () => {
        const { caller, subject, isPublic } = callContext(res);
        if (isPublic) return;
        await publisher.publish([
          writer.audit({
            kind: 'audit',
            version: 1,
            at: new Date().toISOString(),
            key_id: caller?.keyId ?? null,
            client_ip: req.ip ?? req.socket.remoteAddress ?? '',
            method: req.method,
            path: req.path.slice(0, 2048),
            status: res.statusCode,
            duration_ms: Math.round(performance.now() - started),
            subscription_id: subject.subscription_id,
            event_id: subject.event_id,
            tenant_id: subject.tenant_id ?? caller?.tenantId ?? null,
          }),
        ]);
      }),
    );
    next();
  };
}
