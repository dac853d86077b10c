import { createDecipheriv } from 'node:crypto';

/** `aes256gcm.v1.<12-byte iv>.<16-byte tag>.<ciphertext>`, each part base64url. */
export const SEALED_ENVELOPE = /^aes256gcm\.v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/;

/**
 * Opens a sealed value with a key (32 bytes, base64), written here from the envelope's format rather than
 * with the product's own code, so a sealing that only looks right does not pass. Throws when it does not open.
 */
export function openSealed(sealed: string, keyBase64: string): string {
  const [, , iv = '', tag = '', body = ''] = sealed.split('.');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** The plain, base64, base64url and hex forms a value could leak in. */
export function leakForms(value: string): string[] {
  const utf8 = Buffer.from(value, 'utf8');
  const forms = [value, utf8.toString('base64'), utf8.toString('base64url'), utf8.toString('hex'), utf8.toString('hex').toUpperCase()];
  // A signing secret's key is the base64 after "whsec_": its bytes may leak as hex or base64url too.
  if (value.startsWith('whsec_')) {
    const key = Buffer.from(value.slice('whsec_'.length), 'base64');
    forms.push(value.slice('whsec_'.length), key.toString('base64url'), key.toString('hex'), key.toString('hex').toUpperCase());
  }
  return [...new Set(forms.map((f) => f.replace(/=+$/, '')))];
}
