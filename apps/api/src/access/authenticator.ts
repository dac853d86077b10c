import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { HookstreamConfig } from '@app/config';
import { CONFIG } from '@app/platform';
import { ApiKeys, CidrList } from '@app/security';
import type { Caller } from './caller';

export type Authentication = { ok: true; caller: Caller } | { ok: false; status: 401 | 403; message: string };

/**
 * Decides who a request comes from: first its client address must be inside API_ALLOWED_CIDRS (403), then it
 * must carry a valid `Authorization: Bearer <key>` (401). `req.ip` honours X-Forwarded-For only from proxies
 * named in TRUST_PROXY (Express's `trust proxy` setting, made in the API's bootstrap).
 */
@Injectable()
export class Authenticator {
  private readonly allowed: CidrList;
  private readonly adminKeys: ApiKeys;

  constructor(@Inject(CONFIG) config: HookstreamConfig) {
    this.allowed = new CidrList(config.API_ALLOWED_CIDRS);
    this.adminKeys = new ApiKeys(config.apiKeys);
  }

  authenticate(req: Request): Authentication {
    const ip = req.ip ?? req.socket.remoteAddress ?? '';
    if (!this.allowed.contains(ip)) return { ok: false, status: 403, message: `client address ${ip} is not in API_ALLOWED_CIDRS` };
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return { ok: false, status: 401, message: 'send an API key as "Authorization: Bearer <key>"' };
    const adminKeyId = this.adminKeys.identify(match[1] ?? '');
    if (adminKeyId) return { ok: true, caller: { keyId: adminKeyId, role: 'admin', tenantId: null, ip } };
    return { ok: false, status: 401, message: 'the API key is not valid' };
  }
}
