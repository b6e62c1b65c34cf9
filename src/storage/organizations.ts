import type { Kysely } from 'kysely';
import { IANAZone } from 'luxon';
import type { Database, OrganizationsTable } from './schema.js';

export type Organization = OrganizationsTable;

export class OrganizationError extends Error {}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export async function createOrganization(
  db: Kysely<Database>,
  input: { slug: string; name?: string | undefined; timeZone: string },
): Promise<Organization> {
  if (!SLUG.test(input.slug)) {
    throw new OrganizationError(`invalid slug "${input.slug}": use lowercase letters, digits and dashes`);
  }
  if (!IANAZone.isValidZone(input.timeZone)) {
    throw new OrganizationError(
      `invalid time zone "${input.timeZone}": use an IANA name such as Europe/Madrid`,
    );
  }
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('organizations')
      .select('id')
      .where('slug', '=', input.slug)
      .executeTakeFirst();
    if (existing) throw new OrganizationError(`organisation "${input.slug}" already exists`);
    const { next } = await trx
      .selectFrom('organizations')
      .select((eb) => eb(eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)), '+', 1).as('next'))
      .executeTakeFirstOrThrow();
    const org: Organization = {
      id: Number(next),
      slug: input.slug,
      name: input.name ?? input.slug,
      time_zone: input.timeZone,
      created_at: new Date(),
    };
    await trx.insertInto('organizations').values(org).execute();
    return org;
  });
}

export async function listOrganizations(db: Kysely<Database>): Promise<Organization[]> {
  return db.selectFrom('organizations').selectAll().orderBy('slug').execute();
}

/** The organisation named by `slug`, or the only one when no slug is given (DESIGN.md, query contract). */
export async function resolveOrganization(db: Kysely<Database>, slug?: string): Promise<Organization> {
  if (slug) {
    const org = await db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
    if (!org) throw new OrganizationError(`no organisation "${slug}" (see: deskscore org list)`);
    return org;
  }
  const orgs = await listOrganizations(db);
  if (orgs.length === 1) return orgs[0]!;
  if (orgs.length === 0) {
    throw new OrganizationError(
      'no organisation yet: create one with deskscore org create <slug> --time-zone <zone>',
    );
  }
  throw new OrganizationError(
    `several organisations exist (${orgs.map((o) => o.slug).join(', ')}): choose one with --org`,
  );
}
