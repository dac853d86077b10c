import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { HookstreamConfig } from '@app/config';
import { RecordWriter, TenantKeyRecord, TenantRecord } from '@app/contracts';
import { Publisher } from '@app/kafka';
import { AuditRepository } from '@app/persistence';
import { CONFIG } from '@app/platform';
import { SubscriptionIndex } from '@app/subscriptions';
import { writeOneOrUnavailable } from '../common/kafka-write';
import { CreateKey, CreateTenant, UpdateTenant } from './dto/tenant.dto';
import { sha256Hex, TenantDirectory } from './tenant-directory';

export interface TenantView {
  id: string;
  name: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface TenantPage {
  tenants: TenantView[];
  next_cursor: string | null;
}

export interface KeyView {
  id: string;
  description: string | null;
  created_at: string;
  last_used_at?: string | null;
}

const toView = ({ id, name, metadata, created_at, updated_at }: TenantRecord): TenantView => ({ id, name, metadata, created_at, updated_at });

/**
 * Tenants live on a compacted topic, their keys on another (only a key's SHA-256 is kept). A write returns
 * once this API's own directory has read it back, so a following request sees it; other API instances read
 * it within about a second (a revoked key is refused there within 2 s).
 */
@Injectable()
export class TenantsService {
  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
    private readonly directory: TenantDirectory,
    private readonly subscriptions: SubscriptionIndex,
    private readonly audit: AuditRepository,
  ) {}

  async create(dto: CreateTenant): Promise<TenantView> {
    const id = dto.id ?? `ten_${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
    if (this.directory.tenant(id)) throw new ConflictException(`tenant "${id}" exists already`);
    const now = new Date().toISOString();
    const record: TenantRecord = { kind: 'tenant', version: 1, id, name: dto.name, metadata: dto.metadata ?? {}, created_at: now, updated_at: now };
    await this.writeTenant(id, record);
    return toView(record);
  }

  list(limitText: string | undefined, cursor: string | undefined): TenantPage {
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new BadRequestException('limit must be a whole number from 1 to 200');
    const page = this.directory.listTenants(cursor ?? null, limit);
    return { tenants: page.map(toView), next_cursor: page.length === limit ? page[page.length - 1]!.id : null };
  }

  get(id: string): TenantView {
    return toView(this.find(id));
  }

  async update(id: string, dto: UpdateTenant): Promise<TenantView> {
    const current = this.find(id);
    const next: TenantRecord = { ...current, name: dto.name ?? current.name, metadata: dto.metadata ?? current.metadata, updated_at: new Date().toISOString() };
    await this.writeTenant(id, next);
    return toView(next);
  }

  async remove(id: string): Promise<void> {
    this.find(id);
    for (const key of this.directory.keysOf(id)) await this.writeKey(key.id, null);
    for (const sub of this.subscriptions.listOf(id)) {
      const meta = await writeOneOrUnavailable(this.publisher, this.writer.subscription(sub.id, null), this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'subscription removal');
      await this.subscriptions.waitFor(meta.partition, meta.offset);
    }
    await this.writeTenant(id, null);
  }

  async createKey(tenantId: string, dto: CreateKey): Promise<KeyView & { key: string }> {
    this.find(tenantId);
    const key = `hs_tk_${randomBytes(32).toString('base64url')}`;
    const record: TenantKeyRecord = {
      kind: 'tenant-key',
      version: 1,
      id: `tk_${randomBytes(8).toString('hex')}`,
      tenant_id: tenantId,
      key_sha256: sha256Hex(key),
      description: dto.description ?? null,
      created_at: new Date().toISOString(),
    };
    await this.writeKey(record.id, record);
    return { id: record.id, key, description: record.description, created_at: record.created_at };
  }

  async keys(tenantId: string): Promise<{ keys: KeyView[] }> {
    this.find(tenantId);
    const keys = this.directory.keysOf(tenantId);
    const used = await this.audit.lastUsed(keys.map((k) => k.id));
    return { keys: keys.map((k) => ({ id: k.id, description: k.description, created_at: k.created_at, last_used_at: used.get(k.id)?.toISOString() ?? null })) };
  }

  async revoke(tenantId: string, keyId: string): Promise<void> {
    this.find(tenantId);
    const key = this.directory.key(keyId);
    if (!key || key.tenant_id !== tenantId) throw new NotFoundException(`tenant "${tenantId}" has no key "${keyId}"`);
    await this.writeKey(keyId, null);
  }

  private find(id: string): TenantRecord {
    const t = this.directory.tenant(id);
    if (!t) throw new NotFoundException(`no tenant "${id}"`);
    return t;
  }

  private async writeTenant(id: string, record: TenantRecord | null): Promise<void> {
    const meta = await writeOneOrUnavailable(this.publisher, this.writer.tenant(id, record), this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'tenant');
    await this.directory.waitForTenant(meta.partition, meta.offset);
  }

  private async writeKey(id: string, record: TenantKeyRecord | null): Promise<void> {
    const meta = await writeOneOrUnavailable(this.publisher, this.writer.tenantKey(id, record), this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'tenant key');
    await this.directory.waitForKey(meta.partition, meta.offset);
  }
}
