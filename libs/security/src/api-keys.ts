import { createHash, timingSafeEqual } from 'node:crypto';

/** API keys compared in constant time; each is known to logs only by a short id (a hash prefix). */
export class ApiKeys {
  private readonly digests: Array<{ digest: Buffer; id: string }>;

  constructor(keys: string[]) {
    this.digests = keys.map((k) => ({ digest: sha256(k), id: keyId(k) }));
  }

  /** The key's id when it is valid, otherwise null. Every configured key is compared, so timing reveals nothing. */
  identify(presented: string): string | null {
    const digest = sha256(presented);
    let found: string | null = null;
    for (const k of this.digests) if (timingSafeEqual(k.digest, digest)) found = k.id;
    return found;
  }
}

export function keyId(key: string): string {
  return `key_${sha256(key).toString('hex').slice(0, 8)}`;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
