import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertificateFiles {
  /** The CA certificate that signed the others (what a client is told to trust). */
  ca: string;
  /** Server certificate for 127.0.0.1 and localhost, its key, and both in one file (Kafka's PEM keystore). */
  serverCert: string;
  serverKey: string;
  serverKeystore: string;
  /** A client certificate signed by the CA, for brokers that want one (mTLS). */
  clientCert: string;
  clientKey: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Issues a certificate for `subject` from the CA in `dir`, with the given X.509 extensions. */
function issue(dir: string, name: string, subject: string, extensions: string): void {
  const file = (ext: string) => join(dir, `${name}.${ext}`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('key')]);
  openssl(['req', '-new', '-key', file('key'), '-subj', subject, '-out', file('csr')]);
  writeFileSync(file('ext'), extensions);
  openssl(['x509', '-req', '-in', file('csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('ext'), '-out', file('pem')]);
}

/** A fresh CA with a server and a client certificate, made with openssl in `dir` (EC keys: fast to make). */
export function makeTestCa(dir: string): CertificateFiles {
  mkdirSync(dir, { recursive: true });
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'ca.key')]);
  openssl([
    'req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-subj', '/CN=hookstream-test-ca', '-days', '2', '-out', join(dir, 'ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  issue(dir, 'server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue(dir, 'client', '/CN=hookstream-client', 'extendedKeyUsage=clientAuth\n');
  const files = {
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    serverKeystore: join(dir, 'server-keystore.pem'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
  writeFileSync(files.serverKeystore, Buffer.concat([readFileSync(files.serverKey), readFileSync(files.serverCert)]), { mode: 0o600 });
  return files;
}
