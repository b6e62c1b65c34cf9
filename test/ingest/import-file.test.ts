import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportFailedError, importFile } from '../../src/ingest/import-file.js';
import { parseMapping } from '../../src/ingest/mapping.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

const FLAT = dedent(`
  id,created_at,status,priority,channel,desk,team,assignee,customer,first_response_at,solved_at,reopen_count,agent_replies,handle_time_seconds,escalated_at,sla_breached,automated,tags
  T1,2026-03-02T09:00:00Z,solved,high,email,Support,Alpha,ana,c1,2026-03-02T09:30:00Z,2026-03-02T12:00:00Z,0,1,600,,false,false,"vip,billing"
  T2,2026-03-02T10:00:00+01:00,open,normal,chat,Support,Beta,bo,c2,,,0,0,,,,,
  T3,2026-03-03 08:15:00,Hold,low,Phone,Sales,Alpha,ana,c1,2026-03-03T09:00:00Z,,1,2,,2026-03-03T10:00:00Z,true,,complaint
`);

const EVENTS = dedent(`
  ticket_id,event_id,type,at,actor_type,actor,public,status,team,assignee,priority,channel,seconds
  E1,,created,2026-03-02T09:00:00Z,customer,c9,,new,,,normal,email,
  E1,,assignment,2026-03-02T09:05:00Z,system,,,,Alpha,ana,,,
  E1,,agent_reply,2026-03-02T09:20:00Z,agent,ana,,,,,,,
  E1,,internal_note,2026-03-02T09:21:00Z,agent,ana,,,,,,,
  E1,,status_change,2026-03-02T09:22:00Z,agent,ana,,solved,,,,,
  E1,,time_entry,2026-03-02T09:22:00Z,agent,ana,,,,,,,300
  E2,ev-7,created,2026-03-03T10:00:00Z,customer,c8,,,,,,chat,
  E2,,customer_message,2026-03-03T10:01:00Z,customer,c8,,,,,,,
  E2,,customer_message,2026-03-03T10:01:00Z,customer,c8,,,,,,,
  E2,,bot_reply,2026-03-03T10:02:00Z,bot,helpbot,,,,,,,
`);

const SNAPSHOTS = dedent(`
  id,created_at,status,priority,team,assignee,snapshot_key
  S1,2026-03-01T08:00:00Z,new,normal,Alpha,,1
  S1,2026-03-01T08:00:00Z,solved,high,Alpha,ana,3
  S1,2026-03-01T08:00:00Z,open,normal,Alpha,ana,2
  S2,2026-03-01T09:00:00Z,open,low,Beta,bo,5
  S2,2026-03-01T09:00:00Z,pending,low,Beta,bo,5
`);

describe.each(ENGINES)('import on %s', (engine) => {
  let store: Store;
  let org: Organization;
  beforeEach(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'acme', timeZone: 'Europe/Madrid' });
  });
  afterEach(async () => store.close());

  const tickets = () => store.db.selectFrom('tickets').selectAll().orderBy('id').execute();
  const events = () =>
    store.db
      .selectFrom('ticket_events')
      .selectAll()
      .orderBy('ticket_id')
      .orderBy('at')
      .orderBy('id')
      .execute();

  it('imports flat tickets, reading naive timestamps in the organisation zone', async () => {
    const file = files.write('flat.csv', FLAT);
    const summary = await importFile({ store, org, file });
    expect(summary).toMatchObject({
      status: 'succeeded',
      shape: 'tickets',
      rowsRead: 3,
      rowsStored: 3,
      errorCount: 0,
    });
    expect(summary.tickets).toEqual({ created: 3, updated: 0, unchanged: 0 });
    const rows = await tickets();
    expect(rows.map((t) => t.id)).toEqual(['T1', 'T2', 'T3']);
    expect(rows[0]).toMatchObject({
      status: 'solved',
      priority: 'high',
      channel: 'email',
      desk_id: 'Support',
      team_id: 'Alpha',
      assignee_id: 'ana',
      customer_id: 'c1',
      solved_at: new Date('2026-03-02T12:00:00Z'),
      reopen_count: 0,
      agent_replies: 1,
      handle_time_seconds: 600,
      sla_breached: false,
      automated: false,
      tags: ' vip billing ',
      source_shape: 'tickets',
    });
    // +01:00 offset kept; "2026-03-03 08:15:00" has none, so it is Madrid time (UTC+1 in March).
    expect(rows[1]!.created_at).toEqual(new Date('2026-03-02T09:00:00Z'));
    expect(rows[2]!.created_at).toEqual(new Date('2026-03-03T07:15:00Z'));
    expect(rows[2]).toMatchObject({
      status: 'on_hold',
      channel: 'phone',
      sla_breached: true,
      automated: null,
    });
    const teams = await store.db.selectFrom('teams').select(['id', 'desk_id']).orderBy('id').execute();
    expect(teams).toEqual([
      { id: 'Alpha', desk_id: 'Support' },
      { id: 'Beta', desk_id: 'Support' },
    ]);
    expect(await store.db.selectFrom('agents').select('id').orderBy('id').execute()).toEqual([
      { id: 'ana' },
      { id: 'bo' },
    ]);
  });

  it('re-importing the same file changes nothing', async () => {
    const file = files.write('flat-again.csv', FLAT);
    await importFile({ store, org, file });
    const before = await tickets();
    const again = await importFile({ store, org, file });
    expect(again.tickets).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await tickets()).toEqual(before);
  });

  it('a changed row updates its ticket only', async () => {
    await importFile({ store, org, file: files.write('v1.csv', FLAT) });
    const changed = FLAT.replace('T2,2026-03-02T10:00:00+01:00,open', 'T2,2026-03-02T10:00:00+01:00,pending');
    const summary = await importFile({ store, org, file: files.write('v2.csv', changed) });
    expect(summary.tickets).toEqual({ created: 0, updated: 1, unchanged: 2 });
    expect((await tickets())[1]!.status).toBe('pending');
  });

  it('imports an event log and materialises its tickets; re-import is idempotent', async () => {
    const file = files.write('events.csv', EVENTS);
    const summary = await importFile({ store, org, file });
    expect(summary).toMatchObject({ status: 'succeeded', shape: 'events', rowsRead: 10 });
    expect(summary.events).toEqual({ created: 10, updated: 0, unchanged: 0 });
    expect(summary.tickets).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const stored = await events();
    expect(stored).toHaveLength(10);
    expect(stored.find((e) => e.type === 'internal_note')).toMatchObject({
      public: false,
      actor_type: 'agent',
    });
    expect(stored.find((e) => e.type === 'agent_reply')).toMatchObject({ public: true });
    expect(stored.find((e) => e.type === 'time_entry')).toMatchObject({ seconds: 300 });
    // The two identical customer messages are two events, told apart by their order in the file.
    const twins = stored.filter((e) => e.type === 'customer_message');
    expect(new Set(twins.map((e) => e.id)).size).toBe(2);
    expect(stored.find((e) => e.ticket_id === 'E2' && e.type === 'created')!.id).toBe('ev-7');
    const [e1, e2] = await tickets();
    expect(e1).toMatchObject({
      id: 'E1',
      created_at: new Date('2026-03-02T09:00:00Z'),
      status: 'solved',
      priority: 'normal',
      channel: 'email',
      team_id: 'Alpha',
      assignee_id: 'ana',
      customer_id: 'c9',
      source_shape: 'events',
    });
    expect(e2).toMatchObject({ id: 'E2', status: 'new', channel: 'chat', customer_id: 'c8' });

    const again = await importFile({ store, org, file });
    expect(again.events).toEqual({ created: 0, updated: 0, unchanged: 10 });
    expect(again.tickets).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(await events()).toEqual(stored);
  });

  it('events imported later update the ticket built from earlier ones', async () => {
    await importFile({ store, org, file: files.write('part1.csv', EVENTS) });
    const more = dedent(`
      ticket_id,type,at,actor_type,actor,status
      E2,agent_reply,2026-03-03T11:00:00Z,agent,bo,
      E2,status_change,2026-03-03T11:01:00Z,agent,bo,solved
    `);
    const summary = await importFile({ store, org, file: files.write('part2.csv', more) });
    expect(summary.events).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(summary.tickets).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const e2 = (await tickets())[1]!;
    // created_at still comes from the created event of the first file.
    expect(e2).toMatchObject({
      status: 'solved',
      created_at: new Date('2026-03-03T10:00:00Z'),
      customer_id: 'c8',
    });
  });

  it('keeps the latest snapshot per ticket, and a later file with an older snapshot does not win', async () => {
    const summary = await importFile({ store, org, file: files.write('snap.csv', SNAPSHOTS) });
    expect(summary).toMatchObject({ shape: 'snapshots', rowsRead: 5 });
    expect(summary.tickets).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const [s1, s2] = await tickets();
    expect(s1).toMatchObject({ status: 'solved', priority: 'high', assignee_id: 'ana', snapshot_key: 3 });
    // Equal keys: the later row in the file wins.
    expect(s2).toMatchObject({ status: 'pending', snapshot_key: 5 });
    const older = dedent(`
      id,created_at,status,priority,team,assignee,snapshot_key
      S1,2026-03-01T08:00:00Z,open,normal,Alpha,ana,2
    `);
    const stale = await importFile({ store, org, file: files.write('snap-old.csv', older) });
    expect(stale.tickets).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect((await tickets())[0]).toMatchObject({ status: 'solved', snapshot_key: 3 });
  });

  it('follows a mapping: d/M/yyyy HH:mm dates in a source zone, "?" as missing, a boolean value map', async () => {
    const file = files.write(
      'mapped.csv',
      dedent(`
        Ticket;Opened;State;Urgency;Group;Breached;Solved
        100;2/3/2026 09:30;Resolved;?;Alpha;Sí;3/3/2026 17:05
        101;28/3/2026 23:10;Open;High;?;No;?
        102;29/3/2026 03:00;Open;High;Beta;?;?
      `),
    );
    const mapping = parseMapping({
      shape: 'tickets',
      delimiter: ';',
      columns: {
        id: 'Ticket',
        created_at: 'Opened',
        status: 'State',
        priority: 'Urgency',
        team: 'Group',
        sla_breached: 'Breached',
        solved_at: 'Solved',
        channel: { const: 'email' },
      },
      dateFormat: 'd/M/yyyy HH:mm',
      timeZone: 'America/New_York',
      missing: ['', '?'],
      values: { sla_breached: { Sí: true, No: false } },
      idPrefix: 'itsm-',
    });
    const summary = await importFile({ store, org, file, mapping });
    expect(summary.errorCount).toBe(0);
    const rows = await tickets();
    expect(rows.map((r) => r.id)).toEqual(['itsm-100', 'itsm-101', 'itsm-102']);
    // New York is UTC−5 until 8 March 2026, UTC−4 after (DST).
    expect(rows[0]).toMatchObject({
      created_at: new Date('2026-03-02T14:30:00Z'),
      solved_at: new Date('2026-03-03T22:05:00Z'),
      status: 'solved',
      priority: null,
      sla_breached: true,
      channel: 'email',
    });
    expect(rows[1]).toMatchObject({
      created_at: new Date('2026-03-29T03:10:00Z'),
      team_id: null,
      sla_breached: false,
    });
    expect(rows[2]).toMatchObject({ created_at: new Date('2026-03-29T07:00:00Z'), sla_breached: null });
  });

  it('stores nothing from a file with one bad row, and names the row and field', async () => {
    const bad = FLAT.replace('T2,2026-03-02T10:00:00+01:00,open', 'T2,not-a-date,open');
    await expect(importFile({ store, org, file: files.write('bad.csv', bad) })).rejects.toThrow(
      ImportFailedError,
    );
    try {
      await importFile({ store, org, file: files.write('bad.csv', bad) });
    } catch (error) {
      const s = (error as ImportFailedError).summary;
      expect(s.errors).toEqual([
        {
          file: 'bad.csv',
          row: 3,
          field: 'created_at',
          reason: expect.stringContaining('"not-a-date" is not an ISO 8601 date'),
        },
      ]);
      expect((error as Error).message).toContain('bad.csv, row 3, field created_at');
      expect(s.rowsStored).toBe(0);
    }
    expect(await tickets()).toEqual([]);
    expect(await store.db.selectFrom('teams').selectAll().execute()).toEqual([]);
    const history = await store.db.selectFrom('imports').select(['status', 'error_count']).execute();
    expect(history).toEqual([
      { status: 'failed', error_count: 1 },
      { status: 'failed', error_count: 1 },
    ]);
  });

  it('with skipInvalid stores the valid rows and reports the skipped ones', async () => {
    const bad = FLAT.replace(
      'T2,2026-03-02T10:00:00+01:00,open,normal',
      'T2,2026-03-02T10:00:00+01:00,open,whenever',
    ).replace(
      'T3,2026-03-03 08:15:00,Hold,low,Phone,Sales,Alpha,ana,c1,2026-03-03T09:00:00Z,,1',
      'T3,2026-03-03 08:15:00,Hold,low,Phone,Sales,Alpha,ana,c1,2026-03-03T09:00:00Z,,-1',
    );
    const summary = await importFile({ store, org, file: files.write('skip.csv', bad), skipInvalid: true });
    expect(summary).toMatchObject({
      status: 'succeeded',
      rowsRead: 3,
      rowsStored: 1,
      rowsSkipped: 2,
      errorCount: 2,
    });
    expect(summary.errors).toEqual([
      {
        file: 'skip.csv',
        row: 3,
        field: 'priority',
        reason: expect.stringContaining('"whenever" is not a priority'),
      },
      {
        file: 'skip.csv',
        row: 4,
        field: 'reopen_count',
        reason: expect.stringContaining('"-1" is not a whole number'),
      },
    ]);
    expect((await tickets()).map((t) => t.id)).toEqual(['T1']);
  });

  it('imports JSON (records under a key, nested fields) and JSONL', async () => {
    const json = JSON.stringify({
      tickets: [
        {
          id: 9,
          created_at: '2026-03-05T10:00:00Z',
          status: 'open',
          via: { channel: 'Web' },
          tags: ['A', 'b'],
        },
        { id: 10, created_at: '2026-03-05T11:00:00Z', status: 'closed', via: { channel: 'email' }, tags: [] },
      ],
    });
    const mapping = parseMapping({
      shape: 'tickets',
      records: 'tickets',
      columns: { channel: 'via.channel' },
    });
    const summary = await importFile({ store, org, file: files.write('zd.json', json), mapping });
    expect(summary.tickets.created).toBe(2);
    const rows = await tickets();
    expect(rows.map((r) => [r.id, r.channel, r.tags])).toEqual([
      ['10', 'email', ' '],
      ['9', 'web', ' a b '],
    ]);
    const jsonl = `${[
      { ticket_id: 'J1', type: 'created', at: '2026-03-05T10:00:00Z', actor_type: 'end-user', actor: 'c1' },
      { ticket_id: 'J1', type: 'agent_reply', at: '2026-03-05T10:10:00Z', actor: 'ana' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`;
    const ev = await importFile({ store, org, file: files.write('ev.jsonl', jsonl) });
    expect(ev.events?.created).toBe(2);
    expect((await tickets()).find((t) => t.id === 'J1')).toMatchObject({ status: 'open', customer_id: 'c1' });
  });

  it('rejects event rows that break the event rules, naming the field', async () => {
    const file = files.write(
      'bad-events.csv',
      dedent(`
        ticket_id,type,at,actor_type,public,status,seconds
        X1,agent_reply,2026-03-02T09:00:00Z,customer,,,
        X1,internal_note,2026-03-02T09:01:00Z,agent,true,,
        X1,status_change,2026-03-02T09:02:00Z,agent,,,
        X1,time_entry,2026-03-02T09:03:00Z,agent,,,
        X1,smoke_signal,2026-03-02T09:04:00Z,agent,,,
      `),
    );
    const failure = await importFile({ store, org, file }).catch((e: ImportFailedError) => e.summary);
    expect(failure.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'actor_type'],
      [3, 'public'],
      [4, 'status'],
      [5, 'seconds'],
      [6, 'type'],
    ]);
    expect(await events()).toEqual([]);
  });

  it('keeps JSON ids beyond 2^53 exact and warns of a mapped JSON path that no record has', async () => {
    const json = `[{"id": 12345678901234567891, "created_at": "2026-03-05T10:00:00Z", "status": "open"},
                   {"id": 12345678901234567892, "created_at": "2026-03-05T10:00:00Z", "status": "open"}]`;
    const summary = await importFile({ store, org, file: files.write('big.json', json) });
    expect(summary.tickets.created).toBe(2);
    expect((await tickets()).map((t) => t.id)).toEqual(['12345678901234567891', '12345678901234567892']);
    const mapping = parseMapping({ shape: 'tickets', columns: { channel: 'via.chanel' } });
    const warned = await importFile({ store, org, file: files.write('typo.json', json), mapping });
    expect(warned.warnings).toEqual(['mapping.columns.channel: "via.chanel" is in no record of the file']);
    expect(warned.status).toBe('succeeded');
  });

  it('reports a mapped column missing from the file before reading any row', async () => {
    const mapping = parseMapping({ shape: 'tickets', columns: { created_at: 'Opened' } });
    const failure = await importFile({ store, org, file: files.write('nocol.csv', FLAT), mapping }).catch(
      (e: ImportFailedError) => e.summary,
    );
    expect(failure.errors[0]).toMatchObject({
      row: 1,
      field: '(mapping)',
      reason: expect.stringContaining('column "Opened" is not in the file'),
    });
  });
});
