import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { HookstreamConfig } from '@app/config';
import { encodeRecord, SubscriptionRecord, Topics } from '@app/contracts';
import { generateSecret } from '@app/delivery';
import { Publisher } from '@app/kafka';
import { CONFIG, TOPICS } from '@app/platform';
import { SecretBox } from '@app/security';
import { SubscriptionIndex } from '@app/subscriptions';
import { writeOneOrUnavailable } from '../common/kafka-write';
import { CreateWebhook, UpdateWebhook } from './dto/webhook.dto';
import { SubscriptionView, toView } from './subscription.view';
import { assertAllowedTarget } from './target-policy';

/**
 * Subscriptions live on the compacted subscriptions topic. A write returns once the record is acknowledged
 * and this API's own index has read it back, so a following GET or event sees the change.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    @Inject(TOPICS) private readonly topics: Topics,
    private readonly publisher: Publisher,
    private readonly index: SubscriptionIndex,
    private readonly box: SecretBox,
  ) {}

  async create(dto: CreateWebhook): Promise<SubscriptionView> {
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
    };
    await this.write(record.id, record);
    return { ...toView(record), secret };
  }

  list(): SubscriptionView[] {
    return this.index.list().map(toView);
  }

  get(id: string): SubscriptionView {
    return toView(this.find(id));
  }

  async update(id: string, dto: UpdateWebhook): Promise<SubscriptionView> {
    const current = this.find(id);
    const next: SubscriptionRecord = {
      ...current,
      url: dto.url !== undefined ? await assertAllowedTarget(dto.url, this.policy()) : current.url,
      events: dto.events !== undefined ? [...new Set(dto.events)] : current.events,
      auth:
        dto.auth === undefined
          ? current.auth
          : dto.auth && { type: 'basic', username: dto.auth.username, password_sealed: this.box.seal(dto.auth.password) },
      description: dto.description !== undefined ? dto.description : current.description,
      enabled: dto.enabled ?? current.enabled,
      updated_at: new Date().toISOString(),
    };
    await this.write(id, next);
    return toView(next);
  }

  /**
   * Issues a new signing secret; the old one keeps signing beside it (space-separated signatures) for
   * SECRET_ROTATION_GRACE_SECONDS, so receivers can switch without dropping a delivery.
   */
  async rotateSecret(id: string): Promise<{ id: string; secret: string; previous_secret_expires_at: string }> {
    const current = this.find(id);
    const now = Date.now();
    const expiresAt = new Date(now + this.config.SECRET_ROTATION_GRACE_SECONDS * 1000).toISOString();
    const secret = generateSecret();
    const next: SubscriptionRecord = {
      ...current,
      secret_sealed: this.box.seal(secret),
      previous_secrets: [
        { secret_sealed: current.secret_sealed, expires_at: expiresAt },
        ...current.previous_secrets.filter((p) => Date.parse(p.expires_at) > now),
      ],
      updated_at: new Date(now).toISOString(),
    };
    await this.write(id, next);
    return { id, secret, previous_secret_expires_at: expiresAt };
  }

  async remove(id: string): Promise<void> {
    this.find(id);
    await this.write(id, null);
  }

  private find(id: string): SubscriptionRecord {
    const s = this.index.get(id);
    if (!s) throw new NotFoundException(`no subscription with id "${id}"`);
    return s;
  }

  /** Every write seals with the current ENCRYPTION_KEY, so touching a subscription completes a key rotation for it. */
  private async write(id: string, record: SubscriptionRecord | null): Promise<void> {
    const sealed = record && {
      ...record,
      secret_sealed: this.box.reseal(record.secret_sealed),
      auth: record.auth && { ...record.auth, password_sealed: this.box.reseal(record.auth.password_sealed) },
      previous_secrets: record.previous_secrets.map((p) => ({ ...p, secret_sealed: this.box.reseal(p.secret_sealed) })),
    };
    const meta = await writeOneOrUnavailable(
      this.publisher,
      { topic: this.topics.subscriptions, key: id, value: sealed && encodeRecord(sealed) },
      this.config.KAFKA_PUBLISH_TIMEOUT_MS,
      'subscription change',
    );
    await this.index.waitFor(meta.partition, meta.baseOffset ?? meta.offset ?? '0');
  }

  private policy() {
    return { allowInsecureHttp: this.config.ALLOW_INSECURE_HTTP, allowPrivateTargets: this.config.ALLOW_PRIVATE_TARGETS, dnsServers: this.config.DNS_SERVERS };
  }
}
