import { BadRequestException } from '@nestjs/common';
import { checkTarget } from '@app/delivery';

export interface TargetPolicy {
  allowInsecureHttp: boolean;
  allowPrivateTargets: boolean;
  /** DNS servers the check asks (DNS_SERVERS), the same ones delivery uses; empty: the system resolver. */
  dnsServers: string[];
}

/** Checks a subscriber URL at registration; the 400 says exactly what to change. */
export async function assertAllowedTarget(raw: string, policy: TargetPolicy): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestException(`url "${raw}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowInsecureHttp)) {
    throw new BadRequestException(
      policy.allowInsecureHttp ? 'url must use http:// or https://' : 'url must use https:// (plain http:// is allowed only with ALLOW_INSECURE_HTTP=true)',
    );
  }
  if (url.username || url.password) {
    throw new BadRequestException('url must not contain credentials; use "auth": {"type": "basic", ...} instead');
  }
  if (!policy.allowPrivateTargets) {
    const reason = await checkTarget(url, policy.dnsServers);
    if (reason) throw new BadRequestException(`url is not an allowed target: ${reason} (ALLOW_PRIVATE_TARGETS=false)`);
  }
  return url.toString();
}
