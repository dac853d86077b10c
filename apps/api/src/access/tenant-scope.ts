import { ForbiddenException, NotFoundException } from '@nestjs/common';
import type { Caller } from './caller';

/**
 * What a caller may see and do across tenants. An admin key acts everywhere and names a tenant where it
 * means one. A tenant key acts only inside its tenant: what belongs to another tenant answers 404, exactly
 * as what does not exist, so a tenant learns nothing of others.
 */
export class TenantScope {
  constructor(readonly caller: Caller) {}

  get isAdmin(): boolean {
    return this.caller.role === 'admin';
  }

  /**
   * The tenant a read or a list is about: a tenant key's own (naming another is a 404, as if nothing were
   * there); for an admin the one it names, or `fallback` (null: every tenant, for lists).
   */
  readTenant(named: string | undefined, fallback: string | null = null): string | null {
    if (this.caller.role === 'tenant') {
      if (named !== undefined && named !== this.caller.tenantId) throw new NotFoundException(`no tenant "${named}"`);
      return this.caller.tenantId;
    }
    return named ?? fallback;
  }

  /** The tenant something is created in: a tenant key's own (naming another is refused: 403); an admin's choice. */
  writeTenant(named: string | null | undefined): string | null {
    if (this.caller.role === 'tenant') {
      if (named !== undefined && named !== null && named !== this.caller.tenantId) {
        throw new ForbiddenException('a tenant key acts only for its own tenant; leave tenant_id out or name your own');
      }
      return this.caller.tenantId;
    }
    return named ?? null;
  }

  /** Whether something of `tenantId` (null: outside tenants) is visible to this caller. */
  sees(tenantId: string | null): boolean {
    return this.caller.role === 'admin' || tenantId === this.caller.tenantId;
  }
}
