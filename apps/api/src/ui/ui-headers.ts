import type { Response } from 'express';

/**
 * The page runs only its own script and stylesheet and talks only to this origin: no inline script or
 * style, no eval, no plugins, no <base> rewriting, no form posting anywhere (the sign-in form is handled by
 * script, so a key can never be sent by a form), never framed; and in browsers that enforce Trusted Types,
 * no string can be assigned to innerHTML or a similar sink at all.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Set on every answer under /ui, errors included. */
export function setUiSecurityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
