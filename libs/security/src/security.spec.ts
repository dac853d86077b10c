import { randomBytes } from 'node:crypto';
import { ApiKeys, CidrList, forbiddenTargetReason, SecretBox } from './index';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never shows the plain text', () => {
    const sealed = box.seal('hunter2');
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed)).toBe('hunter2');
    expect(box.seal('hunter2')).not.toBe(sealed);
  });

  it('rejects tampering and the wrong key', () => {
    const sealed = box.seal('hunter2');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });
});

describe('SecretBox key rotation', () => {
  it('opens values sealed with a previous key and reseals them with the current one', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const sealedOld = new SecretBox(oldKey).seal('pw');
    const rotated = new SecretBox(newKey, [oldKey]);
    expect(rotated.open(sealedOld)).toBe('pw');
    const resealed = rotated.reseal(sealedOld);
    expect(resealed).not.toBe(sealedOld);
    expect(new SecretBox(newKey).open(resealed)).toBe('pw');
    expect(rotated.reseal(resealed)).toBe(resealed);
    expect(() => new SecretBox(newKey).open(sealedOld)).toThrow(/ENCRYPTION_KEYS_PREVIOUS/);
  });
});

describe('CidrList', () => {
  const list = new CidrList(['127.0.0.1/32', '::1/128', '10.1.0.0/16']);

  it.each([
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['::1', true],
    ['10.1.200.3', true],
    ['10.2.0.1', false],
    ['192.168.1.1', false],
    ['not-an-ip', false],
  ])('%s → %s', (ip, expected) => expect(list.contains(ip)).toBe(expected));

  it('refuses a malformed range with its text', () => {
    expect(() => new CidrList(['10.0.0.0/99'])).toThrow(/10.0.0.0\/99/);
  });
});

describe('forbiddenTargetReason', () => {
  it.each(['127.0.0.1', '10.0.0.1', '192.168.0.5', '172.16.3.4', '169.254.169.254', '::1', '::ffff:127.0.0.1', '0.0.0.0', 'fd00:ec2::254', '100.64.0.1', 'fc00::1', '224.0.0.1'])(
    'refuses %s',
    (ip) => expect(forbiddenTargetReason(ip)).not.toBeNull(),
  );

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])('allows public %s', (ip) =>
    expect(forbiddenTargetReason(ip)).toBeNull(),
  );
});

describe('ApiKeys', () => {
  it('identifies valid keys by id only', () => {
    const keys = new ApiKeys(['alpha', 'beta']);
    const id = keys.identify('beta');
    expect(id).toMatch(/^key_[0-9a-f]{8}$/);
    expect(id).not.toContain('beta');
    expect(keys.identify('gamma')).toBeNull();
    expect(keys.identify('')).toBeNull();
  });
});
