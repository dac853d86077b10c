import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scope } from './caller.decorator';
import type { TenantScope } from './tenant-scope';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  /** Who the key is: its id, whether it is an admin or a tenant key, and its tenant. */
  @Get()
  me(@Scope() scope: TenantScope): { key_id: string; role: 'admin' | 'tenant'; tenant_id: string | null } {
    return { key_id: scope.caller.keyId, role: scope.caller.role, tenant_id: scope.caller.tenantId };
  }
}
