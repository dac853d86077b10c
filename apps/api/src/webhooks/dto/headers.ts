import { z } from 'zod';

export const MAX_CUSTOM_HEADERS = 20;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
/** Names that would break the request (hop-by-hop, framing) or its signature; `authorization` only with basic auth. */
const REFUSED = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'content-type', 'content-encoding', 'expect']);

/** Custom request headers of a subscription: names are case-insensitive and stored lower-case. */
export const customHeadersSchema = z
  .record(z.string(), z.string().max(2048, 'a header value may be at most 2048 characters'))
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_CUSTOM_HEADERS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_CUSTOM_HEADERS} custom headers` });
    for (const name of names) {
      const lower = name.toLowerCase();
      if (!TOKEN.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: `"${name.slice(0, 64)}" is not a valid header name` });
      else if (REFUSED.has(lower)) ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" would break the request; hookstream sets it itself` });
      else if (lower.startsWith('webhook-')) ctx.addIssue({ code: 'custom', path: [name], message: `"${name}": webhook-* headers carry the signature and are hookstream's` });
      if (/[\r\n\0]/.test(headers[name]!)) ctx.addIssue({ code: 'custom', path: [name], message: `the value of "${name}" may not contain CR, LF or NUL` });
    }
    const lowered = new Set(names.map((n) => n.toLowerCase()));
    if (lowered.size !== names.length) ctx.addIssue({ code: 'custom', message: 'a header name appears twice (names are case-insensitive)' });
  })
  .transform((headers) => Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toLowerCase(), v])));
