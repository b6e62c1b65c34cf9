import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely, Transaction } from 'kysely';
import type { ApiTokensTable, Database, UsersTable } from './schema.js';

/** The five roles, most powerful first (issue 6). */
export const ROLES = ['admin', 'manager', 'team_lead', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const MIN_PASSWORD_LENGTH = 12;

export type User = Omit<UsersTable, 'password_hash' | 'role'> & { role: Role; team_ids: string[] };

export class AccountError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type Db = Kysely<Database> | Transaction<Database>;

/** SHA-256 suffices for random 256-bit secrets (tokens, session ids); passwords get argon2id. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** argon2id with the library defaults (m = 19 MiB, t = 2, p = 1: OWASP's minimum profile). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// A fixed hash to verify against when the e-mail is unknown, so both paths cost one argon2 run.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomSecret());
  return decoyHash;
}

export function checkPasswordStrength(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AccountError(`must be at least ${MIN_PASSWORD_LENGTH} characters`, field);
  }
}

async function teamIdsOf(db: Db, orgId: number, userIds: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('user_teams')
    .select(['user_id', 'team_id'])
    .where('org_id', '=', orgId)
    .where('user_id', 'in', [...userIds])
    .orderBy('team_id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.user_id) ?? [];
    list.push(r.team_id);
    out.set(r.user_id, list);
  }
  return out;
}

function publicUser(row: UsersTable, teams: string[]): User {
  const { password_hash: _hidden, ...rest } = row;
  return { ...rest, role: row.role as Role, team_ids: teams };
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
  agentId?: string | null | undefined;
  teamIds?: readonly string[] | undefined;
  locale?: string | null | undefined;
  mustChangePassword?: boolean | undefined;
}

async function checkLinks(db: Db, orgId: number, agentId: string | null, teamIds: readonly string[]) {
  if (agentId !== null) {
    const agent = await db
      .selectFrom('agents')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', agentId)
      .executeTakeFirst();
    if (!agent) throw new AccountError(`no agent "${agentId}" in this organisation`, 'agent_id');
  }
  if (teamIds.length > 0) {
    const found = await db
      .selectFrom('teams')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', 'in', [...teamIds])
      .execute();
    const known = new Set(found.map((t) => t.id));
    const missing = teamIds.find((t) => !known.has(t));
    if (missing !== undefined)
      throw new AccountError(`no team "${missing}" in this organisation`, 'team_ids');
  }
}

export async function createUser(db: Kysely<Database>, orgId: number, input: NewUser): Promise<User> {
  checkPasswordStrength(input.password);
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (taken) throw new AccountError(`a user with e-mail ${email} already exists`, 'email');
    const teamIds = [...new Set(input.teamIds ?? [])];
    await checkLinks(trx, orgId, input.agentId ?? null, teamIds);
    const { next } = await trx
      .selectFrom('users')
      .select((eb) => eb(eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)), '+', 1).as('next'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    const now = new Date();
    const row: UsersTable = {
      org_id: orgId,
      id: Number(next),
      email,
      name: input.name,
      role: input.role,
      password_hash: passwordHash,
      agent_id: input.agentId ?? null,
      locale: input.locale ?? null,
      must_change_password: input.mustChangePassword ?? false,
      created_at: now,
      updated_at: now,
      disabled_at: null,
    };
    await trx.insertInto('users').values(row).execute();
    if (teamIds.length > 0) {
      await trx
        .insertInto('user_teams')
        .values(teamIds.map((team_id) => ({ org_id: orgId, user_id: row.id, team_id })))
        .execute();
    }
    return publicUser(row, teamIds.sort());
  });
}

export async function listUsers(db: Db, orgId: number): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
  const teams = await teamIdsOf(
    db,
    orgId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => publicUser(r, teams.get(r.id) ?? []));
}

export async function getUser(db: Db, orgId: number, id: number): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return publicUser(row, (await teamIdsOf(db, orgId, [id])).get(id) ?? []);
}

export async function countUsers(db: Db, orgId: number): Promise<number> {
  const { n } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The stored user and hash for a login; undefined when the e-mail is unknown. */
export async function findLogin(db: Db, email: string): Promise<UsersTable | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export interface UserPatch {
  name?: string | undefined;
  role?: Role | undefined;
  agent_id?: string | null | undefined;
  team_ids?: readonly string[] | undefined;
  locale?: string | null | undefined;
  disabled?: boolean | undefined;
}

export async function updateUser(
  db: Kysely<Database>,
  orgId: number,
  id: number,
  patch: UserPatch,
): Promise<User | undefined> {
  return db.transaction().execute(async (trx) => {
    const current = await getUser(trx, orgId, id);
    if (!current) return undefined;
    await checkLinks(trx, orgId, patch.agent_id ?? null, patch.team_ids ?? []);
    const now = new Date();
    await trx
      .updateTable('users')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.agent_id !== undefined ? { agent_id: patch.agent_id } : {}),
        ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
        ...(patch.disabled !== undefined ? { disabled_at: patch.disabled ? now : null } : {}),
        updated_at: now,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
    if (patch.team_ids !== undefined) {
      await trx.deleteFrom('user_teams').where('org_id', '=', orgId).where('user_id', '=', id).execute();
      const teamIds = [...new Set(patch.team_ids)];
      if (teamIds.length > 0) {
        await trx
          .insertInto('user_teams')
          .values(teamIds.map((team_id) => ({ org_id: orgId, user_id: id, team_id })))
          .execute();
      }
    }
    // A disabled user or a changed role ends every session; tokens act as the user and follow its role.
    if (patch.disabled || (patch.role !== undefined && patch.role !== current.role)) {
      await trx.deleteFrom('sessions').where('org_id', '=', orgId).where('user_id', '=', id).execute();
    }
    return getUser(trx, orgId, id);
  });
}

export async function setPassword(
  db: Kysely<Database>,
  orgId: number,
  id: number,
  password: string,
  options: { mustChange: boolean; keepSession?: string },
): Promise<void> {
  checkPasswordStrength(password, 'new_password');
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: options.mustChange, updated_at: new Date() })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
    let drop = trx.deleteFrom('sessions').where('org_id', '=', orgId).where('user_id', '=', id);
    if (options.keepSession) drop = drop.where('id_hash', '!=', secretHash(options.keepSession));
    await drop.execute();
  });
}

export async function deleteUser(db: Kysely<Database>, orgId: number, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .deleteFrom('users')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    await trx.deleteFrom('user_teams').where('org_id', '=', orgId).where('user_id', '=', id).execute();
    await trx.deleteFrom('sessions').where('org_id', '=', orgId).where('user_id', '=', id).execute();
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('org_id', '=', orgId)
      .where('user_id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    return Number(result.numDeletedRows) > 0;
  });
}

// Sessions ---------------------------------------------------------------------------------------

export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 7 * 24 * 3600_000;

export async function createSession(
  db: Db,
  user: { org_id: number; id: number },
): Promise<{ secret: string; csrf: string; expiresAt: Date }> {
  const secret = randomSecret();
  const csrf = randomSecret();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_MAX_MS);
  await db
    .insertInto('sessions')
    .values({
      id_hash: secretHash(secret),
      org_id: user.org_id,
      user_id: user.id,
      csrf_token: csrf,
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
    })
    .execute();
  return { secret, csrf, expiresAt };
}

export interface SessionLookup {
  orgId: number;
  userId: number;
  csrf: string;
}

const TOUCH_EVERY_MS = 60_000;
/** When this process last wrote each session's or token's "last seen/used" time (ms). */
const touchedAt = new Map<string, number>();

/**
 * Whether a request should write the "last seen/used" time, at most once a minute per session or
 * token. Concurrent requests with the same credential all read the old time; only the first in this
 * process writes, because DuckDB fails concurrent updates of one row ("Conflict on update") where
 * PostgreSQL would make them wait.
 */
function shouldTouch(key: string, stored: Date | null, now: Date): boolean {
  const last = Math.max(
    stored?.getTime() ?? Number.NEGATIVE_INFINITY,
    touchedAt.get(key) ?? Number.NEGATIVE_INFINITY,
  );
  if (now.getTime() - last <= TOUCH_EVERY_MS) return false;
  if (touchedAt.size >= 10_000) {
    for (const [k, at] of touchedAt) if (now.getTime() - at > TOUCH_EVERY_MS) touchedAt.delete(k);
  }
  touchedAt.set(key, now.getTime());
  return true;
}

/** A live session for the cookie's secret; expired or idle sessions are deleted on sight. */
export async function findSession(
  db: Db,
  secret: string,
  now = new Date(),
): Promise<SessionLookup | undefined> {
  const idHash = secretHash(secret);
  const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!row) return undefined;
  if (row.expires_at <= now || now.getTime() - row.last_seen_at.getTime() > SESSION_IDLE_MS) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  if (shouldTouch(`session:${idHash}`, row.last_seen_at, now)) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }
  return { orgId: row.org_id, userId: row.user_id, csrf: row.csrf_token };
}

export async function deleteSession(db: Db, secret: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', secretHash(secret)).execute();
}

// API tokens ------------------------------------------------------------------------------------

export const TOKEN_PREFIX = 'dsk_';

export type ApiToken = Omit<ApiTokensTable, 'token_hash' | 'scopes'> & { scopes: TokenScope[] };

function publicToken(row: ApiTokensTable): ApiToken {
  const { token_hash: _hidden, scopes, ...rest } = row;
  return { ...rest, scopes: scopes.split(' ').filter(Boolean) as TokenScope[] };
}

export async function createApiToken(
  db: Db,
  orgId: number,
  input: { userId: number; name: string; scopes: readonly TokenScope[]; expiresAt: Date | null },
): Promise<{ token: string; record: ApiToken }> {
  const token = `${TOKEN_PREFIX}${randomSecret()}`;
  const row: ApiTokensTable = {
    org_id: orgId,
    id: randomUUID(),
    user_id: input.userId,
    name: input.name,
    token_hash: secretHash(token),
    scopes: [...new Set(input.scopes)].sort().join(' '),
    created_at: new Date(),
    expires_at: input.expiresAt,
    revoked_at: null,
    last_used_at: null,
  };
  await db.insertInto('api_tokens').values(row).execute();
  return { token, record: publicToken(row) };
}

export async function findApiToken(db: Db, token: string, now = new Date()): Promise<ApiToken | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', secretHash(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return undefined;
  if (shouldTouch(`token:${row.org_id}:${row.id}`, row.last_used_at, now)) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('org_id', '=', row.org_id)
      .where('id', '=', row.id)
      .execute();
  }
  return publicToken(row);
}

export async function listApiTokens(db: Db, orgId: number, userId?: number): Promise<ApiToken[]> {
  let q = db.selectFrom('api_tokens').selectAll().where('org_id', '=', orgId);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return (await q.orderBy('created_at').orderBy('id').execute()).map(publicToken);
}

export async function getApiToken(db: Db, orgId: number, id: string): Promise<ApiToken | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? publicToken(row) : undefined;
}

export async function revokeApiToken(db: Db, orgId: number, id: string): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}
