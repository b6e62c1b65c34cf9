import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { StoredSecret } from '../../storage/alerts-repository.js';

/**
 * Secrets of delivery channels (an SMTP password, a webhook signing key). A secret is either referenced
 * from an environment variable of the server process (`{"env": "SMTP_PASSWORD"}`, nothing stored) or
 * given once and stored encrypted with AES-256-GCM under a key from the environment
 * (`DESKSCORE_SECRET_KEY`) or a key file (`DESKSCORE_SECRET_KEY_FILE`). Secrets are never logged,
 * never written to the audit log and never returned by the API: it answers `{"env": …}` or
 * `{"stored": true}`.
 */

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** What a caller may give for a secret. */
export const secretInputSchema = z.union([
  z.strictObject({ env: z.string().regex(ENV_NAME, 'an environment variable name') }),
  z.strictObject({ value: z.string().min(1).max(4096) }),
]);
export type SecretInput = z.infer<typeof secretInputSchema>;

/** What the API shows of a stored secret. */
export type SecretView = { env: string } | { stored: true };

export class SecretError extends Error {}

export interface KeySource {
  DESKSCORE_SECRET_KEY?: string | undefined;
  DESKSCORE_SECRET_KEY_FILE?: string | undefined;
}

/**
 * The 32-byte encryption key: `DESKSCORE_SECRET_KEY` (64 hex digits, 44 base64 characters, or any
 * passphrase of 16 characters or more, hashed with SHA-256) or the first line of the file named by
 * `DESKSCORE_SECRET_KEY_FILE`; null when neither is set.
 */
export function encryptionKey(env: KeySource = process.env): Buffer | null {
  let text = env.DESKSCORE_SECRET_KEY;
  if (!text && env.DESKSCORE_SECRET_KEY_FILE) {
    try {
      text = readFileSync(env.DESKSCORE_SECRET_KEY_FILE, 'utf8').split(/\r?\n/)[0];
    } catch (error) {
      throw new SecretError(
        `cannot read DESKSCORE_SECRET_KEY_FILE: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  if (!text) return null;
  text = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  if (text.length < 16) throw new SecretError('the secret key must have at least 16 characters');
  return createHash('sha256').update(text).digest();
}

/** A short fingerprint of the key, stored with each ciphertext so a changed key is named, not garbled. */
const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** Encrypts a secret for one organisation (its id is authenticated data: a ciphertext cannot move). */
export function encryptSecret(plain: string, orgId: number, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`deskscore-org:${orgId}`));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', keyId(key), iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join(':');
}

export function decryptSecret(stored: string, orgId: number, key: Buffer): string {
  const [version, kid, iv, tag, ct] = stored.split(':');
  if (version !== 'v1' || !kid || !iv || !tag || ct === undefined)
    throw new SecretError('malformed stored secret');
  if (kid !== keyId(key)) {
    throw new SecretError(
      'a stored secret was encrypted with another key than DESKSCORE_SECRET_KEY holds now',
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(`deskscore-org:${orgId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretError('a stored secret cannot be decrypted (wrong key or altered data)');
  }
}

/** Turns what a caller gave into what is stored; a value needs an encryption key. */
export function storeSecret(input: SecretInput, orgId: number, env: KeySource = process.env): StoredSecret {
  if ('env' in input) return { env: input.env };
  const key = encryptionKey(env);
  if (!key) {
    throw new SecretError(
      'no encryption key is configured (DESKSCORE_SECRET_KEY or DESKSCORE_SECRET_KEY_FILE): reference an environment variable with {"env": "NAME"} instead',
    );
  }
  return { encrypted: encryptSecret(input.value, orgId, key) };
}

/** The secret in clear, for the moment it is used; throws when its variable is unset. */
export function revealSecret(
  stored: StoredSecret,
  orgId: number,
  env: NodeJS.ProcessEnv | KeySource = process.env,
): string {
  if ('env' in stored) {
    const value = (env as Record<string, string | undefined>)[stored.env];
    if (value === undefined || value === '') {
      throw new SecretError(`environment variable ${stored.env} is not set in the server's environment`);
    }
    return value;
  }
  const key = encryptionKey(env);
  if (!key) throw new SecretError('a stored secret needs DESKSCORE_SECRET_KEY or DESKSCORE_SECRET_KEY_FILE');
  return decryptSecret(stored.encrypted, orgId, key);
}

export function viewSecret(stored: StoredSecret): SecretView {
  return 'env' in stored ? { env: stored.env } : { stored: true };
}

/** Replaces every occurrence of the secrets in a text (an error message) before it is kept anywhere. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
