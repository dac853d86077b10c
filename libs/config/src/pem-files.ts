import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { refuse } from './config-error';

function read(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return refuse(`${variable} ${path} cannot be read (${err.code ?? err.message})`);
  }
}

/** PEM certificates from the file `variable` names, checked now so a wrong file stops start-up, not the first connection. */
export function certificateFile(variable: string, path: string): string {
  const text = read(variable, path);
  try {
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM block');
    new X509Certificate(text);
  } catch {
    // Kafka's own clients take Java keystores; a JKS or PKCS#12 file here is the likely mistake.
    refuse(`${variable} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----); convert a Java keystore with keytool -exportcert -rfc`);
  }
  return text;
}

/** An unencrypted PEM private key from the file `variable` names. */
export function privateKeyFile(variable: string, path: string): string {
  const text = read(variable, path);
  try {
    createPrivateKey(text);
  } catch {
    refuse(`${variable} ${path} holds no unencrypted PEM private key`);
  }
  return text;
}

/**
 * A CA file adds to the CAs Node trusts rather than replacing them: Node's `ca` option replaces its
 * built-in list, so that list is passed along with the file.
 */
export const withBuiltInCas = (pem: string): string[] => [...rootCertificates, pem];
