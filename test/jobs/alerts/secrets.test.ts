import { afterAll, describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptionKey,
  encryptSecret,
  redact,
  revealSecret,
  SecretError,
  storeSecret,
  viewSecret,
} from '../../../src/jobs/alerts/secrets.js';
import { scratchDir } from '../../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

describe('channel secrets', () => {
  const env = { DESKSCORE_SECRET_KEY: 'correct horse battery staple' };

  it('stores a given secret encrypted for one organisation, and reveals it only with the same key', () => {
    const stored = storeSecret({ value: 's3cret-password' }, 7, env);
    expect('encrypted' in stored && stored.encrypted).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(JSON.stringify(stored)).not.toContain('s3cret-password');
    expect(viewSecret(stored)).toEqual({ stored: true });
    expect(revealSecret(stored, 7, env)).toBe('s3cret-password');
    // Another organisation's ciphertext does not decrypt here; another key is named as such.
    expect(() => revealSecret(stored, 8, env)).toThrow(SecretError);
    expect(() =>
      revealSecret(stored, 7, { DESKSCORE_SECRET_KEY: 'another passphrase, long enough' }),
    ).toThrow(/another key/);
    // Two encryptions of one secret differ (random IV).
    const key = encryptionKey(env)!;
    expect(encryptSecret('x', 1, key)).not.toBe(encryptSecret('x', 1, key));
    expect(decryptSecret(encryptSecret('é ü', 1, key), 1, key)).toBe('é ü');
  });

  it('reads the key from a key file, as hex, base64 or a passphrase, and refuses a short one', () => {
    const hex = 'ab'.repeat(32);
    const file = files.write('key', `${hex}\n`);
    expect(encryptionKey({ DESKSCORE_SECRET_KEY_FILE: file })).toEqual(Buffer.from(hex, 'hex'));
    expect(encryptionKey({ DESKSCORE_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') })).toEqual(
      Buffer.alloc(32, 1),
    );
    expect(() => encryptionKey({ DESKSCORE_SECRET_KEY: 'short' })).toThrow(/16 characters/);
    expect(encryptionKey({})).toBeNull();
    expect(() => storeSecret({ value: 'x' }, 1, {})).toThrow(/reference an environment variable/);
  });

  it('references environment variables without storing anything', () => {
    const stored = storeSecret({ env: 'SMTP_PASSWORD' }, 1, {});
    expect(stored).toEqual({ env: 'SMTP_PASSWORD' });
    expect(revealSecret(stored, 1, { SMTP_PASSWORD: 'pw' } as NodeJS.ProcessEnv)).toBe('pw');
    expect(() => revealSecret(stored, 1, {})).toThrow(/SMTP_PASSWORD is not set/);
    expect(redact('535 auth failed for pw-123456', ['pw-123456'])).toBe('535 auth failed for [redacted]');
  });
});
