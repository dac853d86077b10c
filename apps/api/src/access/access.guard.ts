import { CanActivate, ExecutionContext, ForbiddenException, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AUDIT_SUBJECT, AuditSubjectSpec } from '../audit/audit-subject.decorator';
import { subjectFromRequest } from '../audit/audit-subject';
import { ACCESS, Access } from './access.decorators';
import { Authenticator } from './authenticator';
import { callContext } from './caller';

/**
 * Every route passes here (registered as the app's global guard). The route's `@Public()` / `@AdminOnly()`
 * decides what is checked; routes without one need any valid key. The audited subject is taken from the
 * route's parameters before deciding, so a refused call names what it tried to reach.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const call = callContext(context.switchToHttp().getResponse<Response>());
    const targets = [context.getHandler(), context.getClass()];
    const spec = this.reflector.getAllAndOverride<AuditSubjectSpec | undefined>(AUDIT_SUBJECT, targets);
    if (spec) Object.assign(call.subject, subjectFromRequest(spec, req));
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, targets) ?? 'any-key';
    if (access === 'public') {
      call.isPublic = true;
      return true;
    }
    const auth = await this.authenticator.authenticate(req);
    if (!auth.ok) throw new HttpException(auth.message, auth.status);
    call.caller = auth.caller;
    if (access === 'admin' && auth.caller.role !== 'admin') throw new ForbiddenException('this route needs an admin key (API_KEYS)');
    return true;
  }
}
