import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PeerCertificate, rootCertificates } from 'node:tls';
import { generate } from 'selfsigned';
import { loadConfig } from './config';

const dir = `/tmp/hookstream-connections-spec-${process.pid}`;
const base = { HOOKSTREAM_DATA_DIR: dir, ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
const files = { ca: join(dir, 'ca.pem'), key: join(dir, 'client.key'), cert: join(dir, 'client.pem'), junk: join(dir, 'truststore.jks') };

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const pems = generate([{ name: 'commonName', value: 'spec' }], { days: 1, keySize: 1024 });
  writeFileSync(files.ca, pems.cert);
  writeFileSync(files.cert, pems.cert);
  writeFileSync(files.key, pems.private);
  writeFileSync(files.junk, Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
});

describe('Kafka TLS and SASL settings', () => {
  const tls = { ...base, KAFKA_SSL: 'true' };

  it('connect in plaintext without authentication by default', () => {
    expect(loadConfig({ ...base }).kafkaConnection).toEqual({});
  });

  it('add a CA file to the built-in CAs, and read a client certificate with its key', () => {
    expect(loadConfig(tls).kafkaConnection).toEqual({ ssl: {} });
    const c = loadConfig({ ...tls, KAFKA_SSL_CA_FILE: files.ca, KAFKA_SSL_CERT_FILE: files.cert, KAFKA_SSL_KEY_FILE: files.key }).kafkaConnection;
    expect(c.ssl?.ca).toHaveLength(rootCertificates.length + 1);
    expect(c.ssl?.ca?.at(-1)).toContain('-----BEGIN CERTIFICATE-----');
    expect(c.ssl?.cert).toContain('-----BEGIN CERTIFICATE-----');
    expect(c.ssl?.key).toMatch(/-----BEGIN (RSA )?PRIVATE KEY-----/);
  });

  it('name the file variable that cannot be used', () => {
    expect(() => loadConfig({ ...base, KAFKA_SSL_CA_FILE: files.ca })).toThrow(/KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not: set KAFKA_SSL=true/);
    expect(() => loadConfig({ ...tls, KAFKA_SSL_CA_FILE: `${dir}/missing.pem` })).toThrow(/KAFKA_SSL_CA_FILE \S+missing.pem cannot be read \(ENOENT\)/);
    expect(() => loadConfig({ ...tls, KAFKA_SSL_CA_FILE: files.junk })).toThrow(/KAFKA_SSL_CA_FILE \S+ holds no PEM certificate/);
    expect(() => loadConfig({ ...tls, KAFKA_SSL_CERT_FILE: files.cert, KAFKA_SSL_KEY_FILE: files.cert })).toThrow(/KAFKA_SSL_KEY_FILE \S+ holds no unencrypted PEM private key/);
    expect(() => loadConfig({ ...tls, KAFKA_SSL_CERT_FILE: files.cert })).toThrow(/KAFKA_SSL_KEY_FILE must be set when KAFKA_SSL_CERT_FILE is/);
    expect(() => loadConfig({ ...tls, KAFKA_SSL_KEY_FILE: files.key })).toThrow(/KAFKA_SSL_CERT_FILE must be set when KAFKA_SSL_KEY_FILE is/);
    expect(() => loadConfig({ ...base, KAFKA_SSL: 'yes' })).toThrow(/KAFKA_SSL must be true or false/);
  });

  it('take a SASL mechanism with its user and password, and name what is missing', () => {
    const sasl = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'hookstream', KAFKA_SASL_PASSWORD: 'pw-9f2c' };
    const c = loadConfig({ ...tls, ...sasl }).kafkaConnection;
    expect([c.sasl?.mechanism, c.sasl?.username, c.sasl?.password]).toEqual(['scram-sha-512', 'hookstream', 'pw-9f2c']);
    expect(() => loadConfig({ ...tls, KAFKA_SASL_MECHANISM: 'scram-sha-1' })).toThrow(/KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512/);
    expect(() => loadConfig({ ...tls, ...sasl, KAFKA_SASL_USERNAME: '' })).toThrow(/KAFKA_SASL_USERNAME must be set when KAFKA_SASL_MECHANISM is/);
    expect(() => loadConfig({ ...tls, ...sasl, KAFKA_SASL_PASSWORD: undefined })).toThrow(/KAFKA_SASL_PASSWORD must be set when KAFKA_SASL_MECHANISM is/);
    expect(() => loadConfig({ ...tls, KAFKA_SASL_USERNAME: 'hookstream' })).toThrow(/KAFKA_SASL_MECHANISM must be set when KAFKA_SASL_USERNAME is/);
    expect(() => loadConfig({ ...tls, KAFKA_SASL_PASSWORD: 'pw' })).toThrow(/KAFKA_SASL_MECHANISM must be set when KAFKA_SASL_PASSWORD is/);
  });

  it('refuse PLAIN without TLS in production, where it would send the password as it is', () => {
    const plain = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', NODE_ENV: 'production', API_KEYS: 'k' };
    expect(() => loadConfig({ ...base, ...plain })).toThrow(/KAFKA_SSL must be true when KAFKA_SASL_MECHANISM=plain/);
    expect(loadConfig({ ...tls, ...plain }).kafkaConnection.sasl?.mechanism).toBe('plain');
  });

  it('keep the password out of everything that serializes the config', () => {
    const c = loadConfig({ ...tls, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'pw-7e1d' });
    expect(c.kafkaConnection.sasl?.password).toBe('pw-7e1d');
    expect(JSON.stringify(c)).not.toContain('pw-7e1d');
    expect(Object.keys(c)).not.toContain('KAFKA_SASL_PASSWORD');
  });
});

describe('Postgres TLS and pool settings', () => {
  const url = 'postgres://hs@db.internal:5432/hookstream';
  const cert = (name: string) => ({ subject: { CN: name }, subjectaltname: `DNS:${name}` }) as unknown as PeerCertificate;
  const db = (env: Record<string, string>) => loadConfig({ ...base, DATABASE_URL: url, ...env }).databaseConnection;

  it('connect without TLS and with a pool of 10 by default', () => {
    expect(db({})).toEqual({ url, sslMode: 'disable', ssl: false, poolSize: 10 });
    expect(db({ DATABASE_SSL: 'false', DATABASE_POOL_SIZE: '25' })).toMatchObject({ ssl: false, poolSize: 25 });
    expect(() => db({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => db({ DATABASE_SSL: 'yes' })).toThrow(/DATABASE_SSL must be false, require, verify-ca or verify-full/);
  });

  it('check what each mode promises: require encrypts, verify-ca checks the chain, verify-full also the URL host', () => {
    expect(db({ DATABASE_SSL: 'require' }).ssl).toEqual({ rejectUnauthorized: false });
    const ca = db({ DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA_FILE: files.ca }).ssl;
    expect(ca && [ca.rejectUnauthorized, ca.ca?.length, ca.checkServerIdentity?.('db.internal', cert('elsewhere'))]).toEqual([true, rootCertificates.length + 1, undefined]);
    const full = db({ DATABASE_SSL: 'verify-full' }).ssl;
    expect(full && [full.rejectUnauthorized, full.ca]).toEqual([true, undefined]);
    // pg passes "localhost" for an IP address; the host of DATABASE_URL is what must match.
    expect(full && full.checkServerIdentity?.('localhost', cert('db.internal'))).toBeUndefined();
    expect(full && full.checkServerIdentity?.('db.internal', cert('localhost'))).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    // As libpq: require with a CA file checks the chain.
    const requireWithCa = db({ DATABASE_SSL: 'require', DATABASE_SSL_CA_FILE: files.ca }).ssl;
    expect(requireWithCa && [requireWithCa.rejectUnauthorized, requireWithCa.ca?.length]).toEqual([true, rootCertificates.length + 1]);
  });

  it("honour the URL's sslmode, taking it out of the URL that pg sees", () => {
    const c = loadConfig({ ...base, DATABASE_URL: `${url}?application_name=hs&sslmode=verify-full` }).databaseConnection;
    expect([c.sslMode, c.url]).toEqual(['verify-full', `${url}?application_name=hs`]);
    expect(loadConfig({ ...base, DATABASE_URL: `${url}?sslmode=require`, DATABASE_SSL: 'require' }).databaseConnection.ssl).toEqual({ rejectUnauthorized: false });
  });

  it('name the variable of a contradiction or an unsupported setting', () => {
    const withUrl = (query: string, env: Record<string, string> = {}) => () => loadConfig({ ...base, DATABASE_URL: `${url}?${query}`, ...env });
    expect(withUrl('sslmode=disable', { DATABASE_SSL: 'verify-full' })).toThrow(/DATABASE_SSL=verify-full contradicts sslmode=disable in DATABASE_URL/);
    expect(withUrl('sslmode=prefer')).toThrow(/sslmode=prefer in DATABASE_URL may fall back to an unencrypted connection/);
    expect(withUrl('sslmode=on')).toThrow(/sslmode=on in DATABASE_URL is not one of disable, require, verify-ca, verify-full/);
    expect(withUrl('sslrootcert=/etc/ca.pem')).toThrow(/DATABASE_URL parameter sslrootcert is not read: use DATABASE_SSL and DATABASE_SSL_CA_FILE/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'postgres://u@/db' })).toThrow(/DATABASE_URL cannot be parsed as a URL/);
    expect(() => db({ DATABASE_SSL_CA_FILE: files.ca })).toThrow(/DATABASE_SSL_CA_FILE is set but TLS to Postgres is off: set DATABASE_SSL=verify-full/);
    expect(() => db({ DATABASE_SSL: 'verify-full', DATABASE_SSL_CA_FILE: files.key })).toThrow(/DATABASE_SSL_CA_FILE \S+ holds no PEM certificate/);
  });
});
