import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { callContext } from './caller';
import { TenantScope } from './tenant-scope';

/** The scope of the authenticated caller of a route (set by AccessGuard). */
export const Scope = createParamDecorator((_data: unknown, ctx: ExecutionContext): TenantScope => {
  const caller = callContext(ctx.switchToHttp().getResponse<Response>()).caller;
  if (!caller) throw new UnauthorizedException('send an API key as "Authorization: Bearer <key>"');
  return new TenantScope(caller);
});
