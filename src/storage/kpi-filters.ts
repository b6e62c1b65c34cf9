import type { Kysely } from 'kysely';
import type { Dimension } from '../engine/kpi-definition.js';
import { KpiQueryError } from '../engine/kpi-query.js';
import type { Store } from './database.js';
import type { Database } from './schema.js';

/** The ids of each dimension a caller may see (e.g. a team lead's teams); absent: no limit. */
export type Restriction = Partial<Record<Dimension, readonly string[]>>;

/** The caller asked for something outside its restriction. */
export class KpiScopeError extends KpiQueryError {}

const NAMED: Partial<Record<Dimension, 'desks' | 'teams' | 'agents'>> = {
  desk: 'desks',
  team: 'teams',
  agent: 'agents',
};

/** Name look-ups issued in the current turn of the event loop, by database, organisation and table. */
const lookups = new WeakMap<Kysely<Database>, Map<string, Promise<Map<string, string>>>>();

/**
 * id → display name of a named dimension (desks, teams, agents); empty for channel and priority.
 * Queries issued together (a dashboard's KPIs) share one look-up; only within one turn, so the
 * statement still runs after every request that shares it began.
 */
export async function dimensionNames(
  db: Kysely<Database>,
  orgId: number,
  dim: Dimension,
): Promise<Map<string, string>> {
  const table = NAMED[dim];
  if (!table) return new Map();
  let pending = lookups.get(db);
  if (!pending) {
    pending = new Map();
    lookups.set(db, pending);
  }
  const key = `${orgId}\u0000${table}`;
  let lookup = pending.get(key);
  if (!lookup) {
    lookup = db
      .selectFrom(table)
      .select(['id', 'name'])
      .where('org_id', '=', orgId)
      .execute()
      .then((rows) => new Map(rows.map((r) => [r.id, r.name])));
    pending.set(key, lookup);
    const turn = pending;
    setImmediate(() => turn.delete(key));
  }
  // Each caller gets its own map: callers may not share mutable state.
  return new Map(await lookup);
}

/**
 * Filters as SQL compares them: display names (or ids) become ids. Also returns the names of every
 * dimension filtered, restricted or listed in `extra` (e.g. the group-by), for labels and messages.
 */
export async function resolveWhere(
  store: Store,
  orgId: number,
  asked: Partial<Record<Dimension, string[]>>,
  restrict: Restriction,
  extra: readonly Dimension[] = [],
): Promise<{ where: Partial<Record<Dimension, string[]>>; names: Map<Dimension, Map<string, string>> }> {
  const names = new Map<Dimension, Map<string, string>>();
  const dims = new Set([
    ...extra,
    ...(Object.keys(asked) as Dimension[]),
    ...(Object.keys(restrict) as Dimension[]),
  ]);
  const looked = await Promise.all(
    [...dims].map(async (d) => [d, await dimensionNames(store.db, orgId, d)] as const),
  );
  for (const [d, map] of looked) names.set(d, map);
  const where: Partial<Record<Dimension, string[]>> = {};
  for (const [d, values] of Object.entries(asked) as Array<[Dimension, string[]]>) {
    where[d] = values.map((v) => idOf(names.get(d), v));
  }
  return { where, names };
}

/** The id a filter value stands for: the id of the item with that display name, else the value itself. */
export function idOf(names: ReadonlyMap<string, string> | undefined, value: string): string {
  let found: string | undefined;
  for (const [id, name] of names ?? []) if (name === value) found = id;
  return found ?? value;
}

/**
 * Limits `where` to the restriction: a filter outside it is refused, and without a filter the query is
 * limited to it. `supported` are the dimensions the query can be limited by.
 */
export function applyRestriction(
  label: string,
  supported: readonly Dimension[],
  where: Partial<Record<Dimension, string[]>>,
  restrict: Restriction,
  names: ReadonlyMap<Dimension, ReadonlyMap<string, string>>,
): void {
  for (const [d, allowed] of Object.entries(restrict) as Array<[Dimension, readonly string[]]>) {
    if (!supported.includes(d)) throw new KpiScopeError(`${label} cannot be limited to your ${d}`);
    const asked = where[d];
    const outside = asked?.find((id) => !allowed.includes(id));
    if (outside !== undefined) {
      throw new KpiScopeError(`${d} "${names.get(d)?.get(outside) ?? outside}" is outside what you may see`);
    }
    where[d] = asked ?? [...allowed];
    if (where[d].length === 0) throw new KpiScopeError(`no ${d} is in what you may see`);
  }
}
