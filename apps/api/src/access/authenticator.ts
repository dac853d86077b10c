import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { HookstreamConfig } from '@app/config';
import { CONFIG } from '@app/platform';
import { ApiKeys, CidrList } from '@app/security';
import { TenantDirectory } from '../tenants/tenant-directory';
import type { Caller } from './caller';

export type Authentication = { ok: true; caller: Caller } | { ok: false; status: 401 | 403; message: string };

/**
 * Decides who a request comes from: first its client address must be inside API_ALLOWED_CIDRS (403), then it
 * must carry a valid `Authorization: Bearer <key>` (401): an admin key from API_KEYS, or a tenant key (known by
 * its hash only, acting inside its tenant). `req.ip` honours X-Forwarded-For only from proxies
 * named in TRUST_PROXY (Express's `trust proxy` setting, made in the API's bootstrap).
 */
@Injectable()
export class Authenticator {
  private readonly allowed: CidrList;
  private readonly adminKeys: ApiKeys;

  constructor(
    @Inject(CONFIG) config: HookstreamConfig,
    private readonly tenants: TenantDirectory,
  ) {
    this.allowed = new CidrList(config.API_ALLOWED_CIDRS);
    this.adminKeys = new ApiKeys(config.apiKeys);
  }

  async authenticate(req: Request, arrivedAt = Date.now()): Promise<Authentication> {
    const ip = req.ip ?? req.socket.remoteAddress ?? '';
    if (!this.allowed.contains(ip)) return { ok: false, status: 403, message: `client address ${ip} is not in API_ALLOWED_CIDRS` };
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return { ok: false, status: 401, message: 'send an API key as "Authorization: Bearer <key>"' };
    const presented = match[1] ?? '';
    const adminKeyId = this.adminKeys.identify(presented);
    if (adminKeyId) return { ok: true, caller: { keyId: adminKeyId, role: 'admin', tenantId: null, ip } };
    const tenantKey = await this.tenants.identifyFresh(presented, arrivedAt);
    if (tenantKey) return { ok: true, caller: { keyId: tenantKey.id, role: 'tenant', tenantId: tenantKey.tenant_id, ip } };
    return { ok: false, status: 401, message: 'the API key is not valid (or was revoked)' };
  }
}
