import * as ipaddr from 'ipaddr.js';

/** A list of CIDR ranges, IPv4 and IPv6; IPv4-mapped IPv6 addresses match their IPv4 form. */
export class CidrList {
  private readonly ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(cidrs: string[]) {
    this.ranges = cidrs.map((c): [ipaddr.IPv4 | ipaddr.IPv6, number] => {
      try {
        if (c.includes('/')) return ipaddr.parseCIDR(c);
        const ip = ipaddr.parse(c);
        return [ip, ip.kind() === 'ipv4' ? 32 : 128];
      } catch {
        throw new Error(`"${c}" is not a CIDR range (e.g. 10.0.0.0/8 or ::1/128)`);
      }
    });
  }

  contains(address: string): boolean {
    const ip = normalize(address);
    if (!ip) return false;
    return this.ranges.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
  }
}

export function normalize(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(address)) return null;
  const ip = ipaddr.parse(address);
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

const METADATA = new CidrList(['169.254.169.254/32', 'fd00:ec2::254/128', '100.100.100.200/32']);

/** Why an address must not be a webhook target (SSRF), or null when it is a public address. */
export function forbiddenTargetReason(address: string): string | null {
  const ip = normalize(address);
  if (!ip) return `"${address}" is not an IP address`;
  if (METADATA.contains(ip.toString())) return `${ip.toString()} is a cloud metadata address`;
  const range = ip.range();
  return range === 'unicast' ? null : `${ip.toString()} is a ${range} address`;
}
