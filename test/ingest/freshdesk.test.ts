import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/ingest/import-file.js';
import { loadMappingFile } from '../../src/ingest/mapping.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());
const MAPPING = new URL('../../docs/mappings/freshdesk-tickets.json', import.meta.url).pathname;

/** Tickets shaped like Freshdesk API v2 responses (GET /tickets, and GET /tickets/1?include=stats). */
const LIST = [
  {
    id: 1,
    created_at: '2014-12-31T12:27:09+10:00',
    status: 2,
    priority: 1,
    source: 2,
    group_id: null,
    responder_id: 5004272350,
    requester_id: 5004272351,
    subject: 'This is a sample ticket',
    type: 'Question',
    spam: false,
    tags: ['mytag'],
  },
  {
    id: 2,
    created_at: '2015-01-02T09:00:00Z',
    status: 5,
    priority: 3,
    source: 7,
    group_id: 42,
    responder_id: 5004272350,
    requester_id: 5004272352,
    subject: 'Refund',
    type: 'Complaint',
    tags: [],
  },
];
const ONE = {
  id: 3,
  created_at: '2016-05-18T04:36:04Z',
  status: 4,
  priority: 4,
  source: 1,
  group_id: 42,
  responder_id: 6010396333,
  requester_id: 6012691534,
  type: 'Question',
  subject: 'This is a sample ticket',
  tags: ['foo', 'bar'],
  stats: { first_responded_at: '2016-05-18T05:00:00Z', resolved_at: '2016-05-18T23:42:50Z', closed_at: null },
};

describe.each(ENGINES)('Freshdesk tickets with docs/mappings/freshdesk-tickets.json on %s', (engine) => {
  let store: Store;
  let org: Organization;
  beforeEach(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'fd', timeZone: 'UTC' });
  });
  afterEach(async () => store.close());

  it('imports a ticket list (without stats: a warning, not a failure) and a single ticket with stats', async () => {
    const mapping = loadMappingFile(MAPPING);
    const list = await importFile({
      store,
      org,
      file: files.write('all_tickets.json', JSON.stringify(LIST)),
      mapping,
    });
    expect(list).toMatchObject({ status: 'succeeded', rowsRead: 2, tickets: { created: 2 } });
    expect(list.warnings).toEqual([
      'mapping.columns.first_response_at: "stats.first_responded_at" is in no record of the file',
      'mapping.columns.solved_at: "stats.resolved_at" is in no record of the file',
    ]);
    const one = await importFile({
      store,
      org,
      file: files.write('ticket_3.json', JSON.stringify(ONE)),
      mapping,
    });
    expect(one).toMatchObject({ status: 'succeeded', rowsRead: 1, tickets: { created: 1 }, warnings: [] });
    const rows = await store.db
      .selectFrom('tickets')
      .select([
        'id',
        'created_at',
        'status',
        'priority',
        'channel',
        'team_id',
        'assignee_id',
        'ticket_type',
        'tags',
        'solved_at',
      ])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        id: 'fd-1',
        created_at: new Date('2014-12-31T02:27:09Z'),
        status: 'open',
        priority: 'low',
        channel: 'portal',
        team_id: null,
        assignee_id: '5004272350',
        ticket_type: 'question',
        tags: ' mytag ',
        solved_at: null,
      },
      {
        id: 'fd-2',
        created_at: new Date('2015-01-02T09:00:00Z'),
        status: 'closed',
        priority: 'high',
        channel: 'chat',
        team_id: '42',
        assignee_id: '5004272350',
        ticket_type: 'complaint',
        tags: ' ',
        solved_at: null,
      },
      {
        id: 'fd-3',
        created_at: new Date('2016-05-18T04:36:04Z'),
        status: 'solved',
        priority: 'urgent',
        channel: 'email',
        team_id: '42',
        assignee_id: '6010396333',
        ticket_type: 'question',
        tags: ' foo bar ',
        solved_at: new Date('2016-05-18T23:42:50Z'),
      },
    ]);
  });

  it('the shipped mapping is valid JSON for the mapping schema', () => {
    expect(JSON.parse(readFileSync(MAPPING, 'utf8')).shape).toBe('tickets');
  });
});
