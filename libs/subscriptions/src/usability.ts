import type { SubscriptionRecord } from '@app/contracts';
import type { SecretBox } from '@app/security';

/**
 * A subscription is usable when every sealed value it carries (signing secret, rotated-out secrets still in
 * their grace window, basic-auth password) opens with ENCRYPTION_KEY or ENCRYPTION_KEYS_PREVIOUS.
 */
export function sealedValuesOpen(box: SecretBox): (s: SubscriptionRecord) => string | null {
  return (s) => {
    const sealed = [s.secret_sealed, ...s.previous_secrets.map((p) => p.secret_sealed), ...(s.auth ? [s.auth.password_sealed] : [])];
    for (const value of sealed) {
      try {
        box.open(value);
      } catch (e) {
        return `a secret or password of the subscription cannot be opened: ${(e as Error).message}`;
      }
    }
    return null;
  };
}
