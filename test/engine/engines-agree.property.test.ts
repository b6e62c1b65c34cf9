import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import {
  GRAINS as ALL_GRAINS,
  DIMENSIONS,
  type Dimension,
  type Grain,
} from '../../src/engine/kpi-definition.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { saveSchedule, saveSlaPolicy } from '../../src/storage/settings-repository.js';
import { GOLDEN_POLICY, GOLDEN_SCHEDULE } from '../golden/ticket-kpis.fixture.js';
import { freshStore, postgresAvailable } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

const TEAMS = ['Alpha', 'Beta', 'Gamma'];
const AGENTS = ['ana', 'bo', 'cy', 'di'];
const CHANNELS = ['email', 'chat', 'phone'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const STEP_TYPES = [
  'customer_message',
  'agent_reply',
  'agent_reply',
  'internal_note',
  'bot_reply',
  'solve',
  'solve',
  'pending',
  'reopen',
  'escalation',
  'assignment',
  'time_entry',
  'priority_change',
  'delete',
] as const;

const step = fc.record({
  type: fc.constantFrom(...STEP_TYPES),
  delayMinutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
  agent: fc.constantFrom(...AGENTS),
  team: fc.constantFrom(...TEAMS),
  priority: fc.constantFrom(...PRIORITIES),
  seconds: fc.integer({ min: 30, max: 3600 }),
});

const ticket = fc.record({
  startMinute: fc.integer({ min: 0, max: 90 * 24 * 60 }),
  agentCreated: fc.boolean(),
  channel: fc.constantFrom(...CHANNELS),
  priority: fc.constantFrom(...PRIORITIES),
  team: fc.option(fc.constantFrom(...TEAMS), { nil: null }),
  agent: fc.constantFrom(...AGENTS),
  complaint: fc.boolean(),
  steps: fc.array(step, { maxLength: 9 }),
});

/** A random but well-formed event log: what any helpdesk could export. */
function eventLog(tickets: Array<typeof ticket extends fc.Arbitrary<infer T> ? T : never>): string {
  const start = Date.parse('2026-02-01T00:00:00Z');
  const lines = [
    'ticket_id,type,at,actor_type,actor,status,team,assignee,priority,channel,seconds,ticket_type',
  ];
  tickets.forEach((t, i) => {
    const id = `T${i + 1}`;
    let now = start + t.startMinute * 60_000;
    const iso = () => new Date(now).toISOString();
    lines.push(
      `${id},created,${iso()},${t.agentCreated ? 'agent' : 'customer'},${t.agentCreated ? t.agent : `c${i}`},new,${t.team ?? ''},${t.team ? t.agent : ''},${t.priority},${t.channel},,${t.complaint ? 'complaint' : ''}`,
    );
    for (const s of t.steps) {
      now += s.delayMinutes * 60_000;
      const row = (
        type: string,
        actorType: string,
        actor: string,
        extra: Partial<Record<'status' | 'team' | 'assignee' | 'priority' | 'seconds', string>> = {},
      ) =>
        lines.push(
          `${id},${type},${iso()},${actorType},${actor},${extra.status ?? ''},${extra.team ?? ''},${extra.assignee ?? ''},${extra.priority ?? ''},,${extra.seconds ?? ''},`,
        );
      switch (s.type) {
        case 'customer_message':
          row('customer_message', 'customer', `c${i}`);
          break;
        case 'agent_reply':
        case 'internal_note':
          row(s.type, 'agent', s.agent);
          break;
        case 'bot_reply':
          row('bot_reply', 'bot', 'helpbot');
          break;
        case 'solve':
          row('status_change', 'agent', s.agent, { status: 'solved' });
          break;
        case 'pending':
          row('status_change', 'agent', s.agent, { status: 'pending' });
          break;
        case 'reopen':
          row('status_change', 'system', '', { status: 'open' });
          break;
        case 'escalation':
          row('escalation', 'agent', s.agent);
          break;
        case 'assignment':
          row('assignment', 'system', '', { team: s.team, assignee: s.agent });
          break;
        case 'time_entry':
          row('time_entry', 'agent', s.agent, { seconds: String(s.seconds) });
          break;
        case 'priority_change':
          row('priority_change', 'agent', s.agent, { priority: s.priority });
          break;
        case 'delete':
          // Deletions are rare in real data: only every third one happens.
          if (s.seconds % 3 === 0) row('status_change', 'agent', s.agent, { status: 'deleted' });
          break;
      }
    }
  });
  return `${lines.join('\n')}\n`;
}

async function load(store: Store, csv: string, name: string) {
  const org = await createOrganization(store.db, { slug: 'prop', timeZone: 'America/New_York' });
  await saveSchedule(store.db, org.id, { ...GOLDEN_SCHEDULE, timeZone: 'America/New_York' });
  await saveSlaPolicy(store.db, org.id, GOLDEN_POLICY);
  const summary = await importFile({ store, org, file: files.write(name, csv) });
  await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
  return org;
}

const GRAINS: Grain[] = [...ALL_GRAINS];
const GROUPS: Array<Dimension | undefined> = [undefined, ...DIMENSIONS];
const NOW = new Date('2026-06-01T00:00:00Z');

describe.skipIf(!postgresAvailable)('DuckDB and PostgreSQL agree on random event histories', () => {
  it('returns identical rows for every KPI, grain and group-by', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(ticket, { minLength: 5, maxLength: 40 }), async (tickets) => {
        const csv = eventLog(tickets);
        run++;
        const duck = await freshStore('duckdb');
        const pg = await freshStore('postgres');
        try {
          const [duckOrg, pgOrg] = [await load(duck, csv, `d${run}.csv`), await load(pg, csv, `p${run}.csv`)];
          for (const [kpi, def] of CATALOGUE) {
            for (const grain of GRAINS) {
              for (const by of GROUPS.filter((g) => !g || def.dimensions.includes(g))) {
                const query = { kpi, from: '2026-02-10', to: '2026-05-20', grain, by };
                const [a, b] = await Promise.all([
                  runKpiQuery(duck, duckOrg, CATALOGUE, query, NOW),
                  runKpiQuery(pg, pgOrg, CATALOGUE, query, NOW),
                ]);
                expect(a, `${kpi} ${grain} by ${by ?? '-'}`).toEqual(b);
              }
            }
          }
        } finally {
          await duck.close();
          await pg.close();
        }
      }),
      { numRuns: 3, seed: 20261123, endOnFailure: true },
    );
    // Three histories × every KPI × 6 grains × 6 group-bys on two engines: about a minute on 2 cores.
  }, 300_000);
});
