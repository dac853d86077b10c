import { lookup as dnsLookup, LookupAddress, LookupAllOptions, LookupOneOptions, Resolver } from 'node:dns';
import { isIP } from 'node:net';
import { forbiddenTargetReason } from '@app/security';

export class ForbiddenTargetError extends Error {
  readonly code = 'EFORBIDDENTARGET';
}

/** How a delivery finds and vets the address it connects to. */
export interface TargetRules {
  allowPrivateTargets: boolean;
  /** `ip` or `ip:port` of the DNS servers to ask (DNS_SERVERS); empty: the system resolver, /etc/hosts included. */
  dnsServers?: string[];
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type TargetLookup = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) => void;
type ResolveAll = (hostname: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolve: ResolveAll = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/** A and AAAA answers from the given servers only; an operator chose them, so the system resolver is not asked. */
function serversResolve(servers: string[]): ResolveAll {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers(servers);
  return (hostname, callback) => {
    const found: LookupAddress[] = [];
    let failure: NodeJS.ErrnoException | null = null;
    let pending = 2;
    const answer = (family: 4 | 6) => (err: NodeJS.ErrnoException | null, addresses: string[]) => {
      if (err) failure = failure && failure.code !== 'ENODATA' ? failure : err;
      else found.push(...addresses.map((address) => ({ address, family })));
      if (--pending > 0) return;
      if (found.length > 0) return callback(null, found.sort((a, b) => a.family - b.family));
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (${failure?.code ?? 'no answer'})`), { code: 'ENOTFOUND', hostname }), []);
    };
    resolver.resolve4(hostname, answer(4));
    resolver.resolve6(hostname, answer(6));
  };
}

/** Every address of a host; an IP literal (brackets allowed) is its own and only answer. */
function resolverFor(dnsServers: string[] = []): ResolveAll {
  const resolve = dnsServers.length > 0 ? serversResolve(dnsServers) : systemResolve;
  return (hostname, callback) => {
    const host = hostname.replace(/^\[|\]$/g, '');
    const family = isIP(host);
    if (family === 4 || family === 6) return callback(null, [{ address: host, family }]);
    resolve(host, callback);
  };
}

/**
 * The `lookup` for delivery sockets, or undefined when neither the SSRF guard nor DNS_SERVERS asks for one.
 * With the guard on it refuses private, loopback, link-local and metadata answers. It runs at connect time
 * and the socket connects to exactly the address it returned, so a DNS answer that changes between a
 * check and the connection cannot slip through.
 */
export function targetLookup(rules: TargetRules): TargetLookup | undefined {
  if (rules.allowPrivateTargets && !rules.dnsServers?.length) return undefined;
  const resolve = resolverFor(rules.dnsServers);
  return (hostname, options, callback) => {
    resolve(hostname, (err, all) => {
      if (err) return callback(err, []);
      const addresses = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
      const bad = rules.allowPrivateTargets ? null : addresses.map((a) => forbiddenTargetReason(a.address)).find((r) => r !== null);
      if (bad) return callback(new ForbiddenTargetError(`refused target ${hostname}: ${bad}`), []);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      if ((options as LookupAllOptions).all) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Why a URL whose host is an IP literal must not be called, or null. Node's sockets skip `lookup` for IP
 * literals, so a client whose guard lives in `lookup` checks these before connecting.
 */
export function refusedLiteralTarget(url: string, rules: TargetRules): string | null {
  if (rules.allowPrivateTargets) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const reason = isIP(host) ? forbiddenTargetReason(host) : null;
  return reason ? `refused target ${host}: ${reason}` : null;
}

/** Registration-time check: resolves the URL's host (through `dnsServers` when given) and says why it is not allowed, or null. */
export async function checkTarget(url: URL, dnsServers: string[] = []): Promise<string | null> {
  const resolve = resolverFor(dnsServers);
  return new Promise((resolvePromise) => {
    resolve(url.hostname, (err, addresses) => {
      if (err) return resolvePromise(`host ${url.hostname} does not resolve (${err.code ?? err.message})`);
      resolvePromise(addresses.map((a) => forbiddenTargetReason(a.address)).find((r) => r !== null) ?? null);
    });
  });
}
