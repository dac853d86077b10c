/**
 * Kafka connection failures that come back the same on every try: credentials, certificates and
 * permissions. Start-up stops on these with the setting to fix instead of retrying; anything else
 * (a broker still starting, a network blip) is worth another try.
 */

/** Node's codes for a certificate chain that leads to no CA the client trusts. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

const OUT_OF_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** TLS alerts a broker sends when it refuses the client's certificate (or that there is none). */
const CLIENT_CERT_REFUSED = /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|ACCESS_DENIED)$/;

const DENIED: Record<string, string> = {
  TOPIC_AUTHORIZATION_FAILED: 'access to a topic',
  CLUSTER_AUTHORIZATION_FAILED: 'a cluster operation (creating topics)',
  GROUP_AUTHORIZATION_FAILED: 'access to a consumer group',
};

interface Failure {
  name?: string;
  code?: string;
  type?: string;
  message?: string;
  cause?: unknown;
  /** KafkaJSAggregateError (createTopics): one error per topic. */
  errors?: unknown[];
}

/** The error and those kafkajs wrapped inside it (causes, per-topic errors), outermost first. */
function chain(error: unknown, depth = 0): Failure[] {
  if (typeof error !== 'object' || error === null || depth > 8) return [];
  const e = error as Failure;
  return [e, ...chain(e.cause, depth + 1), ...(Array.isArray(e.errors) ? e.errors.flatMap((t) => chain(t, depth + 1)) : [])];
}

/** Why start-up stops, naming the setting to fix, and what the broker or TLS said. */
export interface LastingProblem {
  reason: string;
  detail: string;
}

function reasonOf(e: Failure, detail: string): string | undefined {
  if (e.name === 'KafkaJSSASLAuthenticationError') {
    if (/mechanism is not supported/.test(detail)) return 'Kafka does not offer this SASL mechanism: check KAFKA_SASL_MECHANISM';
    return 'Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD';
  }
  const code = e.code ?? '';
  if (UNTRUSTED.has(code)) return "Kafka's TLS certificate is not trusted: set KAFKA_SSL_CA_FILE to the CA certificate of the cluster";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return "Kafka's TLS certificate does not name the broker: check the host names in KAFKA_BROKERS";
  if (OUT_OF_DATE.has(code)) return "Kafka's TLS certificate is not valid now: the cluster's certificate needs renewing, or this machine's clock is wrong";
  if (CLIENT_CERT_REFUSED.test(code)) return 'Kafka refused the client certificate: check KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE';
  const denied = DENIED[e.type ?? ''];
  if (denied) return `Kafka denied ${denied} to this client: grant the user in KAFKA_SASL_USERNAME the ACLs hookstream needs`;
  return undefined;
}

/** One line of what went wrong: OpenSSL's reason out of its multi-line message, kafkajs' prefix dropped. */
function detailOf(e: Failure): string {
  const message = (e.message ?? '').replace(/^Connection error: /, '');
  const openssl = /SSL routines:[^:]*:([^:]+):/.exec(message);
  return (openssl?.[1] ?? message).replace(/\s+/g, ' ').trim();
}

/** The reason to stop, for a failure every try would repeat; undefined when trying again may work. */
export function lastingConnectionProblem(error: unknown): LastingProblem | undefined {
  for (const e of chain(error)) {
    const detail = detailOf(e);
    const reason = reasonOf(e, detail);
    if (reason) return { reason, detail };
  }
  return undefined;
}
