import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import type { Store } from '../../src/storage/database.js';
import type { Organization } from '../../src/storage/organizations.js';
import type { scratchDir } from './files.js';

/**
 * Three weeks of a small support desk for report tests (2026-02-23 to 2026-03-15, UTC): desk Support
 * with teams Alpha (agents ana, bo) and Beta (cy), 8 tickets a day with replies, resolutions, a few
 * reopens and escalations, and a CSAT survey on every other solved ticket. Deterministic.
 */
export async function loadReportFixture(
  store: Store,
  org: Organization,
  files: ReturnType<typeof scratchDir>,
): Promise<void> {
  const tickets = [
    'id,created_at,status,priority,desk,team,assignee,channel,first_response_at,solved_at,reopen_count,agent_replies,handle_time_seconds,escalated_at',
  ];
  const surveys = ['id,kind,sent_at,responded_at,score,ticket_id,agent,team,desk'];
  const agents = [
    ['ana', 'Alpha'],
    ['bo', 'Alpha'],
    ['cy', 'Beta'],
  ] as const;
  let n = 0;
  for (let d = 0; d < 21; d++) {
    const day = new Date(Date.UTC(2026, 1, 23 + d));
    for (let i = 0; i < 8; i++) {
      n++;
      const [agent, team] = agents[n % 3]!;
      const created = new Date(day.getTime() + (8 + i) * 3600_000 + (n % 7) * 60_000);
      const first = new Date(created.getTime() + (10 + ((n * 37) % 120)) * 60_000);
      const solved = new Date(first.getTime() + (1 + (n % 5)) * 3600_000);
      const reopen = n % 9 === 0 ? 1 : 0;
      const escalated = n % 13 === 0 ? new Date(created.getTime() + 1800_000).toISOString() : '';
      tickets.push(
        [
          `R${n}`,
          created.toISOString(),
          'solved',
          i % 4 === 0 ? 'high' : 'normal',
          'Support',
          team,
          agent,
          i % 2 === 0 ? 'email' : 'chat',
          first.toISOString(),
          solved.toISOString(),
          reopen,
          1 + (n % 3),
          300 + ((n * 53) % 900),
          escalated,
        ].join(','),
      );
      if (n % 2 === 0) {
        const answered = new Date(solved.getTime() + 3600_000).toISOString();
        surveys.push(
          [
            `S${n}`,
            'csat',
            solved.toISOString(),
            answered,
            3 + (n % 3),
            `R${n}`,
            agent,
            team,
            'Support',
          ].join(','),
        );
      }
    }
  }
  await importFile({ store, org, file: files.write('report-tickets.csv', `${tickets.join('\n')}\n`) });
  await importFile({ store, org, file: files.write('report-surveys.csv', `${surveys.join('\n')}\n`) });
  await deriveTickets(store, org, { kind: 'all' });
}
