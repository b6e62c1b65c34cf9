import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

const FIRST = dedent(`
  ticket_id,type,at,actor_type,actor,status,team,assignee
  A,created,2026-03-02T09:00:00Z,customer,c1,new,Alpha,ana
  A,agent_reply,2026-03-02T09:30:00Z,agent,ana,,,
  B,created,2026-03-02T10:00:00Z,customer,c2,new,Beta,bo
  C,created,2026-03-02T11:00:00Z,customer,c3,new,Beta,bo
`);

describe.each(ENGINES)('deriving facts on %s', (engine) => {
  let store: Store;
  let org: Organization;
  beforeEach(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'acme', timeZone: 'UTC' });
  });
  afterEach(async () => store.close());
  const facts = () => store.db.selectFrom('ticket_facts').selectAll().orderBy('ticket_id').execute();

  it('re-derives only the tickets a later import touched, and gives the same facts when run again', async () => {
    const first = await importFile({ store, org, file: files.write('first.csv', FIRST) });
    expect((await deriveTickets(store, org, { kind: 'import', importId: first.importId })).tickets).toBe(3);
    const before = await facts();
    expect(before.map((f) => [f.ticket_id, f.first_response_seconds])).toEqual([
      ['A', 1800],
      ['B', null],
      ['C', null],
    ]);

    // B gets a reply: only B's facts change, and only B is re-derived.
    const second = await importFile({
      store,
      org,
      file: files.write(
        'second.csv',
        'ticket_id,type,at,actor_type,actor\nB,agent_reply,2026-03-02T10:15:00Z,agent,bo\n',
      ),
    });
    const summary = await deriveTickets(store, org, { kind: 'import', importId: second.importId });
    expect(summary.tickets).toBe(1);
    const after = await facts();
    expect(after.find((f) => f.ticket_id === 'B')!.first_response_seconds).toBe(900);
    expect(after.filter((f) => f.ticket_id !== 'B')).toEqual(before.filter((f) => f.ticket_id !== 'B'));

    // Re-deriving everything is deterministic.
    await deriveTickets(store, org, { kind: 'all' });
    expect(await facts()).toEqual(after);
    const replies = await store.db
      .selectFrom('reply_facts')
      .select(['ticket_id', 'seq', 'reply_seconds'])
      .orderBy('ticket_id')
      .execute();
    expect(replies).toEqual([
      { ticket_id: 'A', seq: 1, reply_seconds: 1800 },
      { ticket_id: 'B', seq: 1, reply_seconds: 900 },
    ]);
  });

  it('a ticket deleted by a later import loses its facts', async () => {
    await importFile({ store, org, file: files.write('f.csv', FIRST) });
    await deriveTickets(store, org, { kind: 'all' });
    const del = await importFile({
      store,
      org,
      file: files.write(
        'del.csv',
        'ticket_id,type,at,actor_type,actor,status\nC,status_change,2026-03-03T10:00:00Z,agent,bo,deleted\n',
      ),
    });
    const summary = await deriveTickets(store, org, { kind: 'import', importId: del.importId });
    expect(summary).toMatchObject({ tickets: 1, excluded: 1 });
    expect((await facts()).map((f) => f.ticket_id)).toEqual(['A', 'B']);
  });
});
