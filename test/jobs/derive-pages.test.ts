import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/ingest/import-file.js';
import { pageTicketIds } from '../../src/jobs/derive-tickets.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization } from '../../src/storage/organizations.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

const FLAT = dedent(`
  id,created_at,status
  T01,2026-03-02T09:00:00Z,open
  T02,2026-03-02T09:00:00Z,open
  T03,2026-03-02T09:00:00Z,open
  T04,2026-03-02T09:00:00Z,open
  T05,2026-03-02T09:00:00Z,open
  T06,2026-03-02T09:00:00Z,open
  T07,2026-03-02T09:00:00Z,open
`);
// Rebuilds T02 and T05 from events (they move to this import) and creates E1 and E2.
const EVENTS = dedent(`
  ticket_id,type,at,actor_type,actor,status
  T05,created,2026-03-02T09:00:00Z,customer,c1,new
  E2,created,2026-03-03T09:00:00Z,customer,c2,new
  T02,created,2026-03-02T09:00:00Z,customer,c1,new
  E1,created,2026-03-03T09:00:00Z,customer,c3,new
  E1,agent_reply,2026-03-03T09:10:00Z,agent,ana,
`);
// An internal note leaves E1's ticket row as it was: E1 belongs to this import through its event only.
const NOTE = 'ticket_id,type,at,actor_type,actor\nE1,internal_note,2026-03-03T09:20:00Z,agent,ana\n';

describe.each(ENGINES)('pages of an import scope on %s', (engine) => {
  let store: Store;
  afterEach(async () => store?.close());

  it('are the ticket rows and the events of the import, in id order, each id once', async () => {
    store = await freshStore(engine);
    const org = await createOrganization(store.db, { slug: 'pages', timeZone: 'UTC' });
    const flat = await importFile({ store, org, file: files.write(`flat-${engine}.csv`, FLAT) });
    const events = await importFile({ store, org, file: files.write(`events-${engine}.csv`, EVENTS) });
    const note = await importFile({ store, org, file: files.write(`note-${engine}.csv`, NOTE) });
    expect(note.tickets).toEqual({ created: 0, updated: 0, unchanged: 1 });
    const pages = async (importId: number, size: number) => {
      const out: string[][] = [];
      for await (const page of pageTicketIds(store, org.id, { kind: 'import', importId }, size))
        out.push(page);
      return out;
    };
    expect(await pages(flat.importId, 2)).toEqual([['T01', 'T03'], ['T04', 'T06'], ['T07']]);
    expect(await pages(events.importId, 2)).toEqual([
      ['E1', 'E2'],
      ['T02', 'T05'],
    ]);
    expect(await pages(events.importId, 3)).toEqual([['E1', 'E2', 'T02'], ['T05']]);
    expect(await pages(note.importId, 2)).toEqual([['E1']]);
    const all: string[][] = [];
    for await (const page of pageTicketIds(store, org.id, { kind: 'all' }, 4)) all.push(page);
    expect(all).toEqual([['E1', 'E2', 'T01', 'T02'], ['T03', 'T04', 'T05', 'T06'], ['T07']]);
  });
});
