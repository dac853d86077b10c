import { SetMetadata } from '@nestjs/common';

export const ACCESS = 'hookstream:access';

/**
 * Who may call a route. `public`: anyone (no address or key check); `admin`: admin keys from API_KEYS only;
 * `any-key` (the default for every route without a decorator): admin keys and tenant keys, a tenant key
 * acting only inside its tenant.
 */
export type Access = 'public' | 'admin' | 'any-key';

/** Anyone may call this route: no client address check, no key. */
export const Public = () => SetMetadata(ACCESS, 'public' satisfies Access);

/** Only admin keys (API_KEYS) may call this route. */
export const AdminOnly = () => SetMetadata(ACCESS, 'admin' satisfies Access);
