import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely, Transaction } from 'kysely';
import type { ApiTokensTable, Database, OrganizationsTable, UsersTable } from './schema.js';

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

// Who is calling --------------------------------------------------------------------------------

export interface Holder {
  user: User;
  org: OrganizationsTable;
}

/**
 * The user and organisation behind a token or session, with the user's teams, in one statement: the
 * server asks on every request, and on DuckDB each statement costs about as much as the whole answer.
 */
function holderQuery(db: Db) {
  return db
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.org_id')
    .leftJoin('user_teams as ut', (j) =>
      j.onRef('ut.org_id', '=', 'u.org_id').onRef('ut.user_id', '=', 'u.id'),
    )
    .select([
      'u.org_id as u_org_id',
      'u.id as u_id',
      'u.email as u_email',
      'u.name as u_name',
      'u.role as u_role',
      'u.agent_id as u_agent_id',
      'u.locale as u_locale',
      'u.must_change_password as u_must_change_password',
      'u.created_at as u_created_at',
      'u.updated_at as u_updated_at',
      'u.disabled_at as u_disabled_at',
      'o.id as o_id',
      'o.slug as o_slug',
      'o.name as o_name',
      'o.time_zone as o_time_zone',
      'o.created_at as o_created_at',
      'ut.team_id as team_id',
    ])
    .orderBy('ut.team_id');
}

type HolderRow = Awaited<ReturnType<ReturnType<typeof holderQuery>['execute']>>[number];

function holderOf(rows: readonly HolderRow[]): Holder | undefined {
  const r = rows[0];
  if (!r) return undefined;
  return {
    user: {
      org_id: r.u_org_id,
      id: r.u_id,
      email: r.u_email,
      name: r.u_name,
      role: r.u_role as Role,
      agent_id: r.u_agent_id,
      locale: r.u_locale,
      must_change_password: r.u_must_change_password,
      created_at: r.u_created_at,
      updated_at: r.u_updated_at,
      disabled_at: r.u_disabled_at,
      team_ids: rows.flatMap((x) => (x.team_id === null ? [] : [x.team_id])),
    },
    org: { id: r.o_id, slug: r.o_slug, name: r.o_name, time_zone: r.o_time_zone, created_at: r.o_created_at },
  };
}

/** A token, its holder and the holder's teams, as stored (not yet checked for revocation or expiry). */
export interface TokenRecord extends Holder {
  token: ApiToken;
}

/** A session, its holder and the holder's teams, as stored (not yet checked for expiry). */
export interface SessionRecord extends Holder {
  idHash: string;
  csrf: string;
  expiresAt: Date;
  lastSeenAt: Date;
}

export async function loadTokenRecord(db: Db, tokenHash: string): Promise<TokenRecord | undefined> {
  const rows = await holderQuery(db)
    .innerJoin('api_tokens as t', (j) => j.onRef('t.org_id', '=', 'u.org_id').onRef('t.user_id', '=', 'u.id'))
    .select([
      't.id as t_id',
      't.name as t_name',
      't.scopes as t_scopes',
      't.created_at as t_created_at',
      't.expires_at as t_expires_at',
      't.revoked_at as t_revoked_at',
      't.last_used_at as t_last_used_at',
    ])
    .where('t.token_hash', '=', tokenHash)
    .execute();
  const holder = holderOf(rows);
  const r = rows[0];
  if (!holder || !r) return undefined;
  return {
    ...holder,
    token: {
      org_id: r.u_org_id,
      id: r.t_id,
      user_id: r.u_id,
      name: r.t_name,
      scopes: r.t_scopes.split(' ').filter(Boolean) as TokenScope[],
      created_at: r.t_created_at,
      expires_at: r.t_expires_at,
      revoked_at: r.t_revoked_at,
      last_used_at: r.t_last_used_at,
    },
  };
}

/** Whether a stored token is live now; writes its last use at most once a minute. */
export async function acceptToken(db: Db, record: TokenRecord, now: Date): Promise<boolean> {
  const t = record.token;
  if (t.revoked_at !== null || (t.expires_at !== null && t.expires_at <= now)) return false;
  if (shouldTouch(`token:${t.org_id}:${t.id}`, t.last_used_at, now)) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('org_id', '=', t.org_id)
      .where('id', '=', t.id)
      .execute();
  }
  return true;
}

/** A live API token and its holder. */
export async function findTokenHolder(
  db: Db,
  token: string,
  now = new Date(),
): Promise<TokenRecord | undefined> {
  const record = await loadTokenRecord(db, secretHash(token));
  return record && (await acceptToken(db, record, now)) ? record : undefined;
}

export async function loadSessionRecord(db: Db, idHash: string): Promise<SessionRecord | undefined> {
  const rows = await holderQuery(db)
    .innerJoin('sessions as s', (j) => j.onRef('s.org_id', '=', 'u.org_id').onRef('s.user_id', '=', 'u.id'))
    .select(['s.csrf_token as s_csrf', 's.expires_at as s_expires_at', 's.last_seen_at as s_last_seen_at'])
    .where('s.id_hash', '=', idHash)
    .execute();
  const holder = holderOf(rows);
  const r = rows[0];
  if (!holder || !r) return undefined;
  return { ...holder, idHash, csrf: r.s_csrf, expiresAt: r.s_expires_at, lastSeenAt: r.s_last_seen_at };
}

/** Whether a stored session is live now; expired or idle ones are deleted, live ones touched once a minute. */
export async function acceptSession(db: Db, record: SessionRecord, now: Date): Promise<boolean> {
  if (record.expiresAt <= now || now.getTime() - record.lastSeenAt.getTime() > SESSION_IDLE_MS) {
    await db.deleteFrom('sessions').where('id_hash', '=', record.idHash).execute();
    return false;
  }
  if (shouldTouch(`session:${record.idHash}`, record.lastSeenAt, now)) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id_hash', '=', record.idHash)
      .execute();
  }
  return true;
}

/** A live session and its holder; expired or idle sessions are deleted on sight. */
export async function findSessionHolder(
  db: Db,
  secret: string,
  now = new Date(),
): Promise<SessionRecord | undefined> {
  const record = await loadSessionRecord(db, secretHash(secret));
  return record && (await acceptSession(db, record, now)) ? record : undefined;
}
