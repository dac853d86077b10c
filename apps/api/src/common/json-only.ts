import type { NextFunction, Request, Response } from 'express';

/** `application/json`, with no charset or UTF-8 (any case), and nothing else. */
function isJsonUtf8(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type = '', ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || ['charset=utf-8', 'charset="utf-8"', 'charset=utf8'].includes(p));
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Every request body must be JSON in UTF-8: anything else is refused with 415 before it is read, so a form,
 * a text body or another charset is never parsed as if it were JSON. Requests without a body pass.
 */
export function jsonOnly(req: Request, res: Response, next: NextFunction): void {
  if (!hasBody(req) || isJsonUtf8(req.headers['content-type'])) return next();
  const got = req.headers['content-type'] ? `"${req.headers['content-type'].slice(0, 100)}"` : 'no content-type';
  res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: `send the body as "content-type: application/json" in UTF-8 (got ${got})` });
}

/**
 * For express.json's `verify`: a body that starts with a UTF-8 byte order mark is refused (400), not
 * silently stripped, so what was signed or stored is exactly what the client sent.
 */
export function refuseByteOrderMark(_req: unknown, _res: unknown, body: Buffer): void {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    throw Object.assign(new Error('the body starts with a byte order mark; send the JSON without one'), { status: 400, type: 'entity.bom' });
  }
}
