import { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { lastingConnectionProblem } from './connection-problems';

/** A TLS failure as kafkajs reports it after its retries: the socket's code on the wrapped error. */
function tlsFailure(code: string, message: string): Error {
  const connection = Object.assign(new KafkaJSConnectionError(`Connection error: ${message}`), { code });
  return Object.assign(new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 0, retryTime: 100 }), { cause: connection });
}

// kafkajs' types give this error no constructor arguments; at run time it takes a message like the others.
const sasl = (message: string) => Reflect.construct(KafkaJSSASLAuthenticationError, [message]) as Error;
const reason = (e: unknown) => lastingConnectionProblem(e)?.reason;

describe('lastingConnectionProblem', () => {
  it('names the SASL variables when the broker refuses the credentials, and the mechanism when it has none such', () => {
    expect(lastingConnectionProblem(sasl('SASL SCRAM SHA256 authentication failed: invalid credentials'))).toEqual({
      reason: 'Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD',
      detail: 'SASL SCRAM SHA256 authentication failed: invalid credentials',
    });
    expect(reason(sasl('SASL SCRAM-SHA-512 mechanism is not supported by the server'))).toMatch(/check KAFKA_SASL_MECHANISM$/);
  });

  it('names the certificate settings for a certificate the client does not trust or the broker refuses', () => {
    expect(lastingConnectionProblem(tlsFailure('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'))).toEqual({
      reason: "Kafka's TLS certificate is not trusted: set KAFKA_SSL_CA_FILE to the CA certificate of the cluster",
      detail: 'self-signed certificate in certificate chain',
    });
    expect(reason(tlsFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'))).toMatch(/KAFKA_SSL_CA_FILE/);
    expect(reason(tlsFailure('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"))).toMatch(/KAFKA_BROKERS$/);
    expect(reason(tlsFailure('CERT_HAS_EXPIRED', 'certificate has expired'))).toMatch(/needs renewing/);
    // OpenSSL's own message spans lines; the detail keeps its reason.
    const alert = '80AC017CC57F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n';
    expect(lastingConnectionProblem(tlsFailure('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', alert))).toEqual({
      reason: 'Kafka refused the client certificate: check KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE',
      detail: 'sslv3 alert bad certificate',
    });
    expect(reason(tlsFailure('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'alert certificate required'))).toMatch(/KAFKA_SSL_CERT_FILE/);
  });

  it('names the ACLs when the user may not create topics', () => {
    const denied = new KafkaJSAggregateError('Topic creation errors', [
      Object.assign(new Error('Topic already exists'), { type: 'TOPIC_ALREADY_EXISTS' }),
      Object.assign(new Error('Not authorized to access topics: [Topic authorization failed]'), { type: 'TOPIC_AUTHORIZATION_FAILED' }),
    ]);
    expect(reason(denied)).toMatch(/^Kafka denied access to a topic to this client: grant the user in KAFKA_SASL_USERNAME/);
  });

  it('leaves what another try may cure to the retries', () => {
    expect(lastingConnectionProblem(tlsFailure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9092'))).toBeUndefined();
    expect(lastingConnectionProblem(new KafkaJSConnectionError('Connection timeout'))).toBeUndefined();
    expect(lastingConnectionProblem(new Error('This server does not host this topic-partition'))).toBeUndefined();
    expect(lastingConnectionProblem(undefined)).toBeUndefined();
  });
});
