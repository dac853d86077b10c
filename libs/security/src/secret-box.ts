import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'aes256gcm.v1';

/**
 * Seals secrets at rest (Kafka records, Postgres rows) with AES-256-GCM: `aes256gcm.v1.<iv>.<tag>.<ciphertext>`.
 * New values are sealed with the current key; values sealed with a previous key (key rotation) still open,
 * and `reseal` moves them to the current key.
 */
export class SecretBox {
  private readonly keys: Buffer[];

  constructor(key: Buffer, previous: Buffer[] = []) {
    if ([key, ...previous].some((k) => k.length !== 32)) throw new Error('SecretBox needs 32-byte keys');
    this.keys = [key, ...previous];
  }

  private get key(): Buffer {
    return this.keys[0]!;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [PREFIX, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    return this.openWithIndex(sealed).plain;
  }

  /** The same secret sealed with the current key (unchanged when it already is). */
  reseal(sealed: string): string {
    const { plain, keyIndex } = this.openWithIndex(sealed);
    return keyIndex === 0 ? sealed : this.seal(plain);
  }

  private openWithIndex(sealed: string): { plain: string; keyIndex: number } {
    const parts = sealed.split('.');
    if (parts.length !== 5 || `${parts[0]}.${parts[1]}` !== PREFIX) throw new Error('not a sealed value');
    const [, , iv, tag, body] = parts as [string, string, string, string, string];
    // GCM's tag check tells the right key: a wrong key fails, it never yields a wrong plain text.
    for (const [keyIndex, key] of this.keys.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
        return { plain, keyIndex };
      } catch {
        /* try the next key */
      }
    }
    throw new Error('sealed with a key that is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_PREVIOUS');
  }
}
