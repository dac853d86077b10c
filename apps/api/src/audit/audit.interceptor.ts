import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import { callContext } from '../access/caller';
import { AUDIT_SUBJECT, AuditSubjectSpec } from './audit-subject.decorator';
import { subjectFromResponse } from './audit-subject';

/** Takes a route's audited subject from its response where the route says so (what a POST created). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.getAllAndOverride<AuditSubjectSpec | undefined>(AUDIT_SUBJECT, [context.getHandler(), context.getClass()]);
    if (!spec) return next.handle();
    const call = callContext(context.switchToHttp().getResponse<Response>());
    return next.handle().pipe(
      map((body: unknown) => {
        Object.assign(call.subject, subjectFromResponse(spec, body));
        return body;
      }),
    );
  }
}
