import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_EXPORT_COLUMNS } from '../../src/engine/compile-drilldown.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import { type ApiFixture, apiFixture, type Credentials } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';
import { dedent, scratchDir } from '../helpers/files.js';

/**
 * The drill-down and export routes: scoped by role, paged and sorted, and CSV / XLSX that parse back to
 * the same rows with formula injection neutralised. The fixture (test/helpers/api.ts) has T1–T3 in
 * March 2026 (Alpha: T1, T3 by ana; Beta: T2 by bo); four more tickets with hostile subjects are added.
 */
const MORE_TICKETS = dedent(`
  id,created_at,status,desk,team,assignee,channel,subject
  T4,2026-03-10T09:00:00Z,open,Support,Alpha,ana,email,"=HYPERLINK(""http://evil.test"",""click"")"
  T5,2026-03-11T09:00:00Z,solved,Support,Beta,bo,chat,"plain, with ""quotes""
  and a second line"
  T6,2026-03-12T09:00:00Z,open,Support,Alpha,ana,email,@SUM(A1:A9)
  T7,2026-03-13T09:00:00Z,pending,Support,Beta,bo,email,-2+3
`);
const MARCH = 'from=2026-03-01&to=2026-03-31';

/** XLSX cells as the CSV writes them, so the two exports can be compared cell by cell. */
function asCsvText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') throw new Error(`unexpected cell ${JSON.stringify(value)}`);
  return String(value);
}

async function readXlsx(body: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let i = 1; i <= sheet.columnCount; i++) cells.push(asCsvText(row.getCell(i).value));
    rows.push(cells);
  });
  return rows;
}

describe.each(ENGINES)('drill-down and export routes on %s', (engine) => {
  let f: ApiFixture;
  const who: Record<'admin' | 'lead' | 'agent', Credentials> = {} as Record<
    'admin' | 'lead' | 'agent',
    Credentials
  >;
  const files = scratchDir();
  const get = (as: Credentials, url: string) => f.request(as, 'GET', url);

  beforeAll(async () => {
    f = await apiFixture(engine);
    const summary = await importFile({
      store: f.store,
      org: f.orgA,
      file: files.write('more.csv', MORE_TICKETS),
    });
    await deriveTickets(f.store, f.orgA, { kind: 'import', importId: summary.importId });
    who.admin = await f.login(f.users.admin.email);
    who.lead = await f.login(f.users.team_lead.email);
    who.agent = await f.login(f.users.agent.email);
  });
  afterAll(async () => {
    await f.close();
    files.cleanup();
  });

  it('returns the rows behind a bucket, recounting the KPI value', async () => {
    const values = await get(who.admin, `/api/v1/kpis/ticket_volume/values?${MARCH}`);
    const res = await get(who.admin, `/api/v1/kpis/ticket_volume/rows?${MARCH}&bucket=2026-03-01`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows.map((r: { id: string }) => r.id)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7']);
    expect(body.totals).toMatchObject({ rows: 7, n: 7, value: 7 });
    expect(values.json()[0]).toMatchObject({ value: 7, n: 7 });
    expect(body.rows[0]).toMatchObject({
      source: 'tickets_by_created',
      ticket_id: 'T1',
      placed_at: '2026-03-02T09:00:00.000Z',
      team: 'Alpha',
      agent: 'ana',
      channel: 'email',
      facts: { status: 'solved', first_response_seconds: 3600 },
    });
  });

  it('pages and sorts', async () => {
    const url = `/api/v1/kpis/ticket_volume/rows?${MARCH}&bucket=2026-03-01&sort=id&order=desc&limit=3`;
    const first = (await get(who.admin, url)).json();
    expect(first.rows.map((r: { id: string }) => r.id)).toEqual(['T7', 'T6', 'T5']);
    expect(first.next_offset).toBe(3);
    const last = (await get(who.admin, `${url}&offset=6`)).json();
    expect(last.rows.map((r: { id: string }) => r.id)).toEqual(['T1']);
    expect(last.next_offset).toBeNull();
    const bad = await get(
      who.admin,
      `/api/v1/kpis/ticket_volume/rows?${MARCH}&bucket=2026-03-01&sort=subject`,
    );
    expect(bad.statusCode).toBe(400);
    const badBucket = await get(who.admin, `/api/v1/kpis/ticket_volume/rows?${MARCH}&bucket=2026-03-05`);
    expect(badBucket.statusCode).toBe(400);
    expect(badBucket.json().error.message).toMatch(/does not start a month bucket/);
  });

  it('shows a team lead their teams and an agent their own rows, and refuses the others', async () => {
    const rows = async (as: Credentials, query: string) =>
      get(as, `/api/v1/kpis/ticket_volume/rows?${MARCH}&bucket=2026-03-01${query}`);
    const lead = (await rows(who.lead, '')).json();
    expect(lead.rows.map((r: { id: string }) => r.id)).toEqual(['T1', 'T3', 'T4', 'T6']);
    expect(lead.totals.n).toBe(4);
    expect((await rows(who.lead, '&by=team&group=Alpha')).statusCode).toBe(200);
    expect((await rows(who.lead, '&by=team&group=Beta')).statusCode).toBe(403);
    expect((await rows(who.lead, '&where=team=Beta')).statusCode).toBe(403);
    const agent = (await rows(who.agent, '')).json();
    expect(agent.rows.map((r: { agent: string }) => r.agent)).toEqual(['ana', 'ana', 'ana', 'ana']);
    expect((await rows(who.agent, '&by=agent&group=bo')).statusCode).toBe(403);
    // An organisation-level KPI's rows may name anyone: not for a team lead.
    const orgLevel = await get(
      who.lead,
      `/api/v1/kpis/kb_contributions_per_agent/rows?${MARCH}&bucket=2026-03-01`,
    );
    expect(orgLevel.statusCode).toBe(403);
    // The exports follow the same scope.
    const csv = (await get(who.lead, `/api/v1/exports/tickets.csv?${MARCH}`)).body;
    expect(
      parse(csv)
        .slice(1)
        .map((r: string[]) => r[0]),
    ).toEqual(['T1', 'T3', 'T4', 'T6']);
    const mine = (await get(who.agent, `/api/v1/kpis/ticket_volume/rows.csv?${MARCH}&bucket=2026-03-01`))
      .body;
    expect(
      parse(mine)
        .slice(1)
        .map((r: string[]) => r[1]),
    ).toEqual(['T1', 'T3', 'T4', 'T6']);
    expect((await get(who.lead, `/api/v1/exports/tickets.csv?${MARCH}&where=team=Beta`)).statusCode).toBe(
      403,
    );
  });

  it('answers 422 for a KPI without row-level drill-down', async () => {
    const res = await get(who.admin, `/api/v1/kpis/retention_rate/rows?${MARCH}&bucket=2026-03-01`);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'no_drilldown' });
    expect(res.json().error.message).toMatch(/no row-level drill-down/);
  });

  it('exports tickets as RFC 4180 CSV with formulas neutralised', async () => {
    const res = await get(who.admin, `/api/v1/exports/tickets.csv?${MARCH}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="tickets-2026-03-01-2026-03-31.csv"',
    );
    expect(res.body.endsWith('\r\n')).toBe(true);
    const rows: string[][] = parse(res.body);
    expect(rows[0]).toEqual(TICKET_EXPORT_COLUMNS);
    const subject = TICKET_EXPORT_COLUMNS.indexOf('subject');
    const byId = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect([...byId.keys()]).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7']);
    expect(byId.get('T4')![subject]).toBe(`'=HYPERLINK("http://evil.test","click")`);
    expect(byId.get('T5')![subject]).toBe('plain, with "quotes"\nand a second line');
    expect(byId.get('T6')![subject]).toBe("'@SUM(A1:A9)");
    expect(byId.get('T7')![subject]).toBe("'-2+3");
    // Instants in ISO 8601 UTC; numbers and booleans as values.
    const column = (name: string) => TICKET_EXPORT_COLUMNS.indexOf(name);
    expect(byId.get('T1')![column('created_at')]).toBe('2026-03-02T09:00:00.000Z');
    expect(byId.get('T1')![column('first_response_seconds')]).toBe('3600');
    expect(byId.get('T1')![column('complaint')]).toBe('false');
    // Only some statuses, and a team filter.
    const open = parse(
      (await get(who.admin, `/api/v1/exports/tickets.csv?${MARCH}&status=open,pending`)).body,
    );
    expect(open.slice(1).map((r: string[]) => r[0])).toEqual(['T3', 'T4', 'T6', 'T7']);
    const beta = parse((await get(who.admin, `/api/v1/exports/tickets.csv?${MARCH}&where=team=Beta`)).body);
    expect(beta.slice(1).map((r: string[]) => r[0])).toEqual(['T2', 'T5', 'T7']);
  });

  it('exports the same tickets as XLSX, read back with exceljs', async () => {
    const csv: string[][] = parse((await get(who.admin, `/api/v1/exports/tickets.csv?${MARCH}`)).body);
    const res = await get(who.admin, `/api/v1/exports/tickets.xlsx?${MARCH}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const xlsx = await readXlsx(res.rawPayload);
    expect(xlsx).toEqual(csv);
    const subject = TICKET_EXPORT_COLUMNS.indexOf('subject');
    expect(xlsx.find((r) => r[0] === 'T4')![subject]).toBe(`'=HYPERLINK("http://evil.test","click")`);
  });

  it('exports a drill-down as CSV and XLSX with the rows of the JSON answer', async () => {
    const query = `${MARCH}&bucket=2026-03-01&by=team&group=Beta`;
    const json = (await get(who.admin, `/api/v1/kpis/ticket_volume/rows?${query}`)).json();
    const csvRes = await get(who.admin, `/api/v1/kpis/ticket_volume/rows.csv?${query}`);
    expect(csvRes.headers['content-disposition']).toBe(
      'attachment; filename="ticket_volume-2026-03-01-rows.csv"',
    );
    const csv: string[][] = parse(csvRes.body);
    expect(csv[0]!.slice(0, 4)).toEqual(['source', 'id', 'ticket_id', 'placed_at']);
    expect(csv.slice(1).map((r) => r[1])).toEqual(json.rows.map((r: { id: string }) => r.id));
    expect(csv.slice(1).map((r) => r[1])).toEqual(['T2', 'T5', 'T7']);
    const xlsx = await readXlsx(
      (await get(who.admin, `/api/v1/kpis/ticket_volume/rows.xlsx?${query}`)).rawPayload,
    );
    expect(xlsx).toEqual(csv);
  });
});
