import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { HookstreamConfig } from '@app/config';
import { RecordWriter, SubscriptionRecord } from '@app/contracts';
import { generateSecret } from '@app/delivery';
import { Publisher } from '@app/kafka';
import { CONFIG } from '@app/platform';
import { SecretBox } from '@app/security';
import { EndpointHealthView, SubscriptionIndex } from '@app/subscriptions';
import type { TenantScope } from '../access/tenant-scope';
import { writeOneOrUnavailable } from '../common/kafka-write';
import { TenantDirectory } from '../tenants/tenant-directory';
import { CreateWebhook, UpdateWebhook } from './dto/webhook.dto';
import { SubscriptionView, toView } from './subscription.view';
import { assertAllowedTarget } from './target-policy';

/**
 * Subscriptions live on the compacted subscriptions topic. A write returns once the record is acknowledged
 * and this API's own index has read it back, so a following GET or event sees the change. A tenant key
 * sees and changes only its tenant's subscriptions; another tenant's answer 404 as if absent.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
    private readonly index: SubscriptionIndex,
    private readonly health: EndpointHealthView,
    private readonly box: SecretBox,
    private readonly tenants: TenantDirectory,
  ) {}

  async create(scope: TenantScope, dto: CreateWebhook): Promise<SubscriptionView> {
    const tenantId = scope.writeTenant(dto.tenant_id);
    if (tenantId !== null && !this.tenants.tenant(tenantId)) throw new NotFoundException(`no tenant "${tenantId}"`);
    const url = await assertAllowedTarget(dto.url, this.policy());
    const secret = dto.secret ?? generateSecret();
    const now = new Date().toISOString();
    const record: SubscriptionRecord = {
      kind: 'subscription',
      version: 1,
      id: `sub_${randomBytes(12).toString('base64url')}`,
      url,
      events: [...new Set(dto.events)],
      auth: dto.auth ? { type: 'basic', username: dto.auth.username, password_sealed: this.box.seal(dto.auth.password) } : null,
      secret_sealed: this.box.seal(secret),
      previous_secrets: [],
      description: dto.description ?? null,
      enabled: true,
      created_at: now,
      updated_at: now,
      tenant_id: tenantId,
      filter: dto.filter ?? null,
      headers_sealed: this.sealHeaders(dto.headers ?? {}),
      rate_limit: dto.rate_limit ?? null,
      disabled_reason: null,
      disabled_at: null,
    };
    this.assertHeadersFit(record);
    await this.write(record.id, record);
    return { ...this.view(record), secret };
  }

  list(scope: TenantScope, tenantId: string | undefined): SubscriptionView[] {
    const subs = scope.isAdmin && tenantId === undefined ? this.index.list() : this.index.listOf(scope.readTenant(tenantId));
    return subs.map((s) => this.view(s));
  }

  get(scope: TenantScope, id: string): SubscriptionView {
    return this.view(this.find(scope, id));
  }

  async update(scope: TenantScope, id: string, dto: UpdateWebhook): Promise<SubscriptionView> {
    const current = this.find(scope, id);
    const enabled = dto.enabled ?? current.enabled;
    const next: SubscriptionRecord = {
      ...current,
      url: dto.url !== undefined ? await assertAllowedTarget(dto.url, this.policy()) : current.url,
      events: dto.events !== undefined ? [...new Set(dto.events)] : current.events,
      auth:
        dto.auth === undefined
          ? current.auth
          : dto.auth && { type: 'basic', username: dto.auth.username, password_sealed: this.box.seal(dto.auth.password) },
      description: dto.description !== undefined ? dto.description : current.description,
      enabled,
      filter: dto.filter !== undefined ? dto.filter : current.filter,
      headers_sealed: dto.headers !== undefined ? this.sealHeaders(dto.headers) : current.headers_sealed,
      rate_limit: dto.rate_limit !== undefined ? dto.rate_limit : current.rate_limit,
      // Enabling an endpoint clears why it was disabled; disabling by hand says so.
      disabled_reason: enabled ? null : current.enabled ? 'disabled by an operator' : current.disabled_reason,
      disabled_at: enabled ? null : current.enabled ? new Date().toISOString() : current.disabled_at,
      updated_at: new Date().toISOString(),
    };
    this.assertHeadersFit(next);
    await this.write(id, next);
    return this.view(next);
  }

  /**
   * Issues a new signing secret; the old one keeps signing beside it (space-separated signatures) for
   * SECRET_ROTATION_GRACE_SECONDS, so receivers can switch without dropping a delivery.
   */
  async rotateSecret(scope: TenantScope, id: string): Promise<{ id: string; secret: string; previous_secret_expires_at: string }> {
    const current = this.find(scope, id);
    const now = Date.now();
    const expiresAt = new Date(now + this.config.SECRET_ROTATION_GRACE_SECONDS * 1000).toISOString();
    const secret = generateSecret();
    const next: SubscriptionRecord = {
      ...current,
      secret_sealed: this.box.seal(secret),
      previous_secrets: [{ secret_sealed: current.secret_sealed, expires_at: expiresAt }, ...current.previous_secrets.filter((p) => Date.parse(p.expires_at) > now)],
      updated_at: new Date(now).toISOString(),
    };
    await this.write(id, next);
    return { id, secret, previous_secret_expires_at: expiresAt };
  }

  async remove(scope: TenantScope, id: string): Promise<void> {
    this.find(scope, id);
    await this.write(id, null);
  }

  /** The subscription, if this caller may see it (another tenant's is a 404, as a missing one). */
  find(scope: TenantScope, id: string): SubscriptionRecord {
    const s = this.index.get(id);
    if (!s || !scope.sees(s.tenant_id)) throw new NotFoundException(`no subscription with id "${id}"`);
    return s;
  }

  private view(s: SubscriptionRecord): SubscriptionView {
    return toView(s, this.box, this.health.get(s.id));
  }

  private sealHeaders(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, this.box.seal(value)]));
  }

  /** With basic auth set, hookstream writes the authorization header itself. */
  private assertHeadersFit(s: SubscriptionRecord): void {
    if (s.auth && 'authorization' in s.headers_sealed) {
      throw new BadRequestException('headers: "authorization" cannot be set beside basic auth ("auth"); use one or the other');
    }
  }

  /**
   * Every write seals with the current ENCRYPTION_KEY, so touching a subscription completes a key rotation for
   * it. Rotated-out secrets that no configured key opens are dropped (they cannot sign anything); a current
   * secret, password or header value that none opens is refused with what to do instead.
   */
  private async write(id: string, record: SubscriptionRecord | null): Promise<void> {
    const sealed = record && {
      ...record,
      secret_sealed: this.resealOr409(record.secret_sealed, 'signing secret', 'rotate it with POST /webhooks/:id/secret/rotate'),
      auth: record.auth && { ...record.auth, password_sealed: this.resealOr409(record.auth.password_sealed, 'basic-auth password', 'send "auth" again with the password') },
      headers_sealed: Object.fromEntries(Object.entries(record.headers_sealed).map(([n, v]) => [n, this.resealOr409(v, `header "${n}"`, 'send "headers" again')])),
      previous_secrets: record.previous_secrets.flatMap((p) => {
        try {
          return [{ ...p, secret_sealed: this.box.reseal(p.secret_sealed) }];
        } catch {
          return [];
        }
      }),
    };
    const meta = await writeOneOrUnavailable(this.publisher, this.writer.subscription(id, sealed), this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'subscription change');
    await this.index.waitFor(meta.partition, meta.offset);
  }

  private resealOr409(sealed: string, what: string, remedy: string): string {
    try {
      return this.box.reseal(sealed);
    } catch {
      throw new ConflictException(`the subscription's ${what} cannot be opened with ENCRYPTION_KEY or ENCRYPTION_KEYS_PREVIOUS; ${remedy}, or configure the key it was sealed with`);
    }
  }

  private policy() {
    return { allowInsecureHttp: this.config.ALLOW_INSECURE_HTTP, allowPrivateTargets: this.config.ALLOW_PRIVATE_TARGETS, dnsServers: this.config.DNS_SERVERS };
  }
}
