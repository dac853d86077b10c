import { refuse } from './config-error';
import type { RawEnv } from './env.schema';
import { certificateFile, privateKeyFile, withBuiltInCas } from './pem-files';

export type KafkaSaslMechanism = NonNullable<RawEnv['KAFKA_SASL_MECHANISM']>;

/** SASL user and password; the password is no own property, so JSON and log serializers leave it out. */
export class SaslCredentials {
  readonly #password: string;
  constructor(
    readonly mechanism: KafkaSaslMechanism,
    readonly username: string,
    password: string,
  ) {
    this.#password = password;
  }
  get password(): string {
    return this.#password;
  }
}

/** How every client of an app reaches the brokers: TLS and SASL as configured, files already read. */
export interface KafkaConnection {
  /** Absent: plaintext. `ca` absent: Node's built-in CAs only. */
  ssl?: { ca?: string[]; cert?: string; key?: string };
  sasl?: SaslCredentials;
}

export function kafkaConnection(raw: RawEnv): KafkaConnection {
  const sasl = saslOf(raw);
  if (!raw.KAFKA_SSL) {
    const stray = (['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const).find((name) => raw[name] !== undefined);
    if (stray) refuse(`${stray} is set but KAFKA_SSL is not: set KAFKA_SSL=true to connect over TLS`);
    if (sasl?.mechanism === 'plain' && raw.NODE_ENV === 'production') {
      refuse('KAFKA_SSL must be true when KAFKA_SASL_MECHANISM=plain and NODE_ENV=production (PLAIN sends the password as it is)');
    }
    return sasl ? { sasl } : {};
  }
  const { KAFKA_SSL_CA_FILE: caFile, KAFKA_SSL_CERT_FILE: certFile, KAFKA_SSL_KEY_FILE: keyFile } = raw;
  if (certFile !== undefined && keyFile === undefined) refuse('KAFKA_SSL_KEY_FILE must be set when KAFKA_SSL_CERT_FILE is (a client certificate needs its key)');
  if (keyFile !== undefined && certFile === undefined) refuse('KAFKA_SSL_CERT_FILE must be set when KAFKA_SSL_KEY_FILE is (a client key needs its certificate)');
  const ssl: NonNullable<KafkaConnection['ssl']> = {};
  if (caFile !== undefined) ssl.ca = withBuiltInCas(certificateFile('KAFKA_SSL_CA_FILE', caFile));
  if (certFile !== undefined && keyFile !== undefined) {
    ssl.cert = certificateFile('KAFKA_SSL_CERT_FILE', certFile);
    ssl.key = privateKeyFile('KAFKA_SSL_KEY_FILE', keyFile);
  }
  return sasl ? { ssl, sasl } : { ssl };
}

function saslOf(raw: RawEnv): KafkaConnection['sasl'] {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = raw;
  if (mechanism === undefined) {
    const stray = username !== undefined ? 'KAFKA_SASL_USERNAME' : password !== undefined ? 'KAFKA_SASL_PASSWORD' : undefined;
    if (stray) refuse(`KAFKA_SASL_MECHANISM must be set when ${stray} is (plain, scram-sha-256 or scram-sha-512)`);
    return undefined;
  }
  if (username === undefined) refuse(`KAFKA_SASL_USERNAME must be set when KAFKA_SASL_MECHANISM is`);
  if (password === undefined) refuse(`KAFKA_SASL_PASSWORD must be set when KAFKA_SASL_MECHANISM is`);
  return new SaslCredentials(mechanism, username, password);
}
