import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/storage/accounts.js';
import { openStore } from '../../src/storage/database.js';
import { cli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

describe('deskscore users', () => {
  it('adds users with one-time passwords, lists them and resets a password', async () => {
    const db = files.path('users.duckdb');
    expect((await cli('--db', db, 'org', 'create', 'acme', '--time-zone', 'UTC')).code).toBe(0);
    const added = await cli(
      '--db',
      db,
      'users',
      'add',
      'Ann@Acme.test',
      '--name',
      'Ann',
      '--role',
      'manager',
    );
    expect(added.code).toBe(0);
    const first = /one-time password: (\S+)/.exec(added.out)![1]!;
    expect((await cli('--db', db, 'users', 'add', 'x@acme.test', '--name', 'X', '--role', 'boss')).code).toBe(
      2,
    );
    const dup = await cli('--db', db, 'users', 'add', 'ann@acme.test', '--name', 'Ann', '--role', 'viewer');
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/already exists/);
    const list = JSON.parse((await cli('--db', db, 'users', 'list', '--json')).out);
    expect(list).toEqual([
      expect.objectContaining({ email: 'ann@acme.test', role: 'manager', must_change_password: true }),
    ]);
    expect(JSON.stringify(list)).not.toMatch(/argon2|password_hash/);
    const reset = await cli('--db', db, 'users', 'reset-password', 'ann@acme.test');
    const second = /: (\S+)\n$/.exec(reset.out)![1]!;
    const store = await openStore({ kind: 'duckdb', location: db });
    try {
      const row = await store.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow();
      expect(await verifyPassword(row.password_hash, second)).toBe(true);
      expect(await verifyPassword(row.password_hash, first)).toBe(false);
      const actions = await store.db
        .selectFrom('audit_log')
        .select(['action', 'actor'])
        .orderBy('at')
        .execute();
      expect(actions).toEqual([
        { action: 'user_created', actor: 'cli' },
        { action: 'password_reset', actor: 'cli' },
      ]);
    } finally {
      await store.close();
    }
  });
});
