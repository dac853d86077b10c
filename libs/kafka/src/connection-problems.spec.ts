import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { lastingConnectionProblem } from './connection-problems';

/** A TLS failure as kafkajs reports it after its retries: the socket's code on the wrapped error. */
function tlsFailure(code: string, message: string): Error {
  const connection = Object.assign(new KafkaJSConnectionError(`Connection error: ${message}`), { code });
  return Object.assign(new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 0, retryTime: 100 }), { cause: connection });
}

// kafkajs' types give this error no constructor arguments; at run time it takes a message like the others.
const sasl = (message: string) => Reflect.construct(KafkaJSSASLAuthenticationError, [message]) as Error;

describe('lastingConnectionProblem', () => {
  it('names the SASL variables when the broker refuses the credentials, and the mechanism when it has none such', () => {
    expect(lastingConnectionProblem(sasl('SASL SCRAM SHA256 authentication failed: invalid credentials'))).toMatch(
      /^Kafka refused the SASL credentials \(SASL SCRAM SHA256 authentication failed: invalid credentials\): check KAFKA_SASL_USERNAME \/ KAFKA_SASL_PASSWORD$/,
    );
    expect(lastingConnectionProblem(sasl('SASL SCRAM-SHA-512 mechanism is not supported by the server'))).toMatch(/check KAFKA_SASL_MECHANISM$/);
  });

  it('names the certificate settings for a certificate the client does not trust or the broker refuses', () => {
    expect(lastingConnectionProblem(tlsFailure('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'))).toBe(
      "Kafka's TLS certificate is not trusted (self-signed certificate in certificate chain): set KAFKA_SSL_CA_FILE to the CA certificate of the cluster",
    );
    expect(lastingConnectionProblem(tlsFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'))).toMatch(/KAFKA_SSL_CA_FILE/);
    expect(lastingConnectionProblem(tlsFailure('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"))).toMatch(/KAFKA_BROKERS$/);
    expect(lastingConnectionProblem(tlsFailure('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'alert certificate required'))).toMatch(
      /check KAFKA_SSL_CERT_FILE \/ KAFKA_SSL_KEY_FILE$/,
    );
    expect(lastingConnectionProblem(tlsFailure('CERT_HAS_EXPIRED', 'certificate has expired'))).toMatch(/needs renewing/);
  });

  it('names the ACLs when the user may not create topics', () => {
    const denied = Object.assign(new Error('Topic creation errors'), { topicErrors: [{ type: 'TOPIC_ALREADY_EXISTS' }, { type: 'TOPIC_AUTHORIZATION_FAILED', message: 'Not authorized' }] });
    expect(lastingConnectionProblem(denied)).toMatch(/^Kafka denied access to a topic to this client \(Not authorized\): grant the user in KAFKA_SASL_USERNAME/);
  });

  it('leaves what another try may cure to the retries', () => {
    expect(lastingConnectionProblem(tlsFailure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9092'))).toBeUndefined();
    expect(lastingConnectionProblem(new KafkaJSConnectionError('Connection timeout'))).toBeUndefined();
    expect(lastingConnectionProblem(new Error('This server does not host this topic-partition'))).toBeUndefined();
    expect(lastingConnectionProblem(undefined)).toBeUndefined();
  });
});
