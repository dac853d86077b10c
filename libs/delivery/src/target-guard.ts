import { lookup as dnsLookup, LookupAddress, LookupOneOptions, LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import { forbiddenTargetReason } from '@app/security';

export class ForbiddenTargetError extends Error {
  readonly code = 'EFORBIDDENTARGET';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for sockets that refuses private, loopback, link-local and metadata addresses. It runs at
 * connect time and the socket connects to exactly the address it checked, so a DNS answer that changes
 * between a check and the connection cannot slip through.
 */
export function guardedLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, []);
    const bad = addresses.map((a) => forbiddenTargetReason(a.address)).find((r) => r !== null);
    if (bad) return callback(new ForbiddenTargetError(`refused target ${hostname}: ${bad}`), []);
    if ((options as LookupAllOptions).all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

/** Registration-time check: resolves the URL's host and says why it is not allowed, or null. */
export async function checkTarget(url: URL): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return forbiddenTargetReason(host);
  return new Promise((resolve) => {
    dnsLookup(host, { all: true }, (err, addresses) => {
      if (err) return resolve(`host ${host} does not resolve (${err.code ?? err.message})`);
      resolve(addresses.map((a) => forbiddenTargetReason(a.address)).find((r) => r !== null) ?? null);
    });
  });
}
