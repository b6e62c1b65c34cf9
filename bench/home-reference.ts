/**
 * The manager's home: every ticket KPI of the catalogue for this month and the previous 12, by team.
 * Run two ways: through the engine (runKpiQuery per KPI, as the API does) and as ONE hand-written SQL
 * statement over the raw fact tables (the reference: what a BI tool pointed at the database would run).
 * The same statement text runs on DuckDB and on PostgreSQL; `compareHome` proves both compute the
 * engine's numbers (value and n of every KPI × month × team).
 */
import { sql } from 'kysely';
import type { KpiRow } from '../src/engine/assemble-rows.js';
import type { KpiDefinition, SourceName } from '../src/engine/kpi-definition.js';
import { rangeUtc } from '../src/engine/periods.js';
import type { Store } from '../src/storage/database.js';
import type { Organization } from '../src/storage/organizations.js';
import { runKpiQuery } from '../src/storage/run-kpi-query.js';

/** The ticket KPIs of the home (sources: tickets, replies, agent-days, SLA instances, surveys, backlog). */
export const HOME_KPIS = [
  'ticket_volume',
  'first_response_time',
  'complaint_resolution_rate',
  'escalation_rate',
  'fcr_rate',
  'aht',
  'resolution_efficiency',
  'automation_rate',
  'kb_utilisation',
  'resolution_time',
  'reopen_rate',
  'solved_per_agent_day',
  'escalation_response_time',
  'escalation_closure_rate',
  'avg_response_time',
  'sla_compliance',
  'sla_breaches_per_100',
  'backlog',
  'csat',
  'csat_mean',
  'enps',
  'ces',
  'nps',
  'repurchase_intent',
  'ces_low_effort',
  'feedback_loop_closure_time',
  'survey_response_rate',
] as const;

const TICKET_SOURCES: ReadonlySet<SourceName> = new Set<SourceName>([
  'tickets_by_created',
  'tickets_by_solve',
  'tickets_by_escalation',
  'replies',
  'agent_days',
  'sla_by_outcome',
  'sla_by_breached',
  'survey_responses',
  'survey_sends',
  'backlog',
]);

/**
 * Fails loudly when the catalogue gained (or lost) a ticket KPI the reference statement does not
 * compute: the reference must then be extended, or the ratios would compare different work.
 */
export function checkHomeCoversCatalogue(catalogue: ReadonlyMap<string, KpiDefinition>): void {
  const expected = new Set<string>();
  for (const d of catalogue.values()) {
    if (d.source !== 'computed' || !d.dimensions.includes('team')) continue;
    const m = d.measure;
    const sides =
      m.kind === 'ratio' ? [m.numerator.source, m.denominator.source] : 'of' in m ? [m.of.source] : [];
    if (m.kind === 'backlog' || m.kind === 'escalation_closure') expected.add(d.id);
    else if (sides.length > 0 && sides.every((s) => TICKET_SOURCES.has(s))) expected.add(d.id);
  }
  const home = new Set<string>(HOME_KPIS);
  const missing = [...expected].filter((id) => !home.has(id));
  const extra = [...home].filter((id) => !expected.has(id));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `the home KPI list no longer matches the catalogue's ticket KPIs (missing: ${missing.join(', ') || '-'}; ` +
        `not ticket KPIs any more: ${extra.join(', ') || '-'}): update bench/home-reference.ts and its SQL`,
    );
  }
}

export interface HomeRange {
  from: string;
  to: string;
  now: Date;
}

/** The engine's home: every home KPI by month and team, issued together as a dashboard would. */
export async function engineHome(
  store: Store,
  org: Organization,
  catalogue: ReadonlyMap<string, KpiDefinition>,
  range: HomeRange,
): Promise<KpiRow[]> {
  const results = await Promise.all(
    HOME_KPIS.map((kpi) =>
      runKpiQuery(
        store,
        org,
        catalogue,
        { kpi, from: range.from, to: range.to, grain: 'month', by: 'team' },
        range.now,
      ),
    ),
  );
  return results.flat();
}

export interface ReferenceRow {
  kpi: string;
  bucket: string;
  team: string;
  value: number | null;
  n: number;
}

/** A team key that is never null, so rows join on plain equality (PostgreSQL cannot hash IS NOT DISTINCT FROM). */
const NO_TEAM = '~';

/**
 * The reference: one statement, month buckets in the organisation's zone, teams as credited by each
 * placement (created, solved, escalated, replied, SLA instance, survey), the same filters as the
 * catalogue's definitions (default variants and statistics: business clock, median).
 */
export function homeReferenceStatement(orgId: number, timeZone: string, range: HomeRange) {
  const { start, end } = rangeUtc(range.from, range.to, timeZone);
  const tz = sql.lit(timeZone);
  const month = (column: string) =>
    sql`CAST(CAST(date_trunc('month', ${sql.ref(column)} AT TIME ZONE ${tz}) AS DATE) AS text)`;
  const team = (column: string) => sql`coalesce(${sql.ref(column)}, ${NO_TEAM})`;
  const ratio = (num: string, den: string, scale: number) =>
    sql`CASE WHEN ${sql.ref(den)} > 0 THEN CAST(${sql.ref(num)} AS double precision) * ${sql.lit(scale)} / ${sql.ref(den)} END`;
  // Local month starts from the first to the last bucket; each bucket ends at the next start or at `to`.
  const firstLocal = `${range.from.slice(0, 7)}-01 00:00:00`;
  const lastLocal = `${range.to.slice(0, 7)}-01 00:00:00`;
  const endLocal = `${rangeEndDay(range.to)} 00:00:00`;
  return sql<{ kpi: string; bucket: string; team: string; value: number | null; n: number }>`
WITH
bk AS (
  SELECT CAST(CAST(m AS DATE) AS text) AS bucket,
         (m AT TIME ZONE ${tz}) AS start_at,
         (LEAST(m + INTERVAL '1 month', CAST(${endLocal} AS timestamp)) AT TIME ZONE ${tz}) AS end_at
  FROM generate_series(CAST(${firstLocal} AS timestamp), CAST(${lastLocal} AS timestamp), INTERVAL '1 month') AS g(m)
),
tc AS (
  SELECT ${month('t.created_at')} AS bucket, ${team('t.created_team_id')} AS team,
    count(*) AS n,
    count(t.first_response_business_seconds) AS frt_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY t.first_response_business_seconds) AS frt,
    count(*) FILTER (WHERE t.complaint = TRUE) AS complaints,
    count(*) FILTER (WHERE t.complaint = TRUE
      AND (coalesce(t.first_solved_at, t.solved_at) <= t.created_at + INTERVAL '7 days') IS TRUE) AS complaints_7d,
    count(*) FILTER (WHERE t.escalated_at IS NOT NULL) AS escalated
  FROM ticket_facts t
  WHERE t.org_id = ${orgId} AND t.created_at >= ${start} AND t.created_at < ${end}
  GROUP BY 1, 2
),
ts AS (
  SELECT ${month('t.solved_at')} AS bucket, ${team('t.solved_team_id')} AS team,
    count(*) AS n,
    count(*) FILTER (WHERE t.fcr_single_reply_no_reopen = TRUE) AS fcr_num,
    count(*) FILTER (WHERE t.agent_replies >= 1 AND t.fcr_single_reply_no_reopen IS NOT NULL) AS fcr_den,
    count(t.handle_time_seconds) AS aht_n,
    avg(t.handle_time_seconds) AS aht,
    count(*) FILTER (WHERE t.automated = TRUE) AS automated,
    count(*) FILTER (WHERE t.agent_replies >= 1 AND t.kb_linked = TRUE) AS kb_num,
    count(*) FILTER (WHERE t.agent_replies >= 1) AS kb_den,
    count(t.full_resolution_business_seconds) AS res_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY t.full_resolution_business_seconds) AS res,
    count(*) FILTER (WHERE t.reopen_count >= 1) AS reopened,
    count(t.reopen_count) AS reopen_den
  FROM ticket_facts t
  WHERE t.org_id = ${orgId} AND t.solved_at >= ${start} AND t.solved_at < ${end}
  GROUP BY 1, 2
),
te AS (
  SELECT ${month('t.escalated_at')} AS bucket, ${team('t.escalated_team_id')} AS team,
    count(t.escalation_response_business_seconds) AS n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY t.escalation_response_business_seconds) AS med
  FROM ticket_facts t
  WHERE t.org_id = ${orgId} AND t.escalated_at >= ${start} AND t.escalated_at < ${end}
  GROUP BY 1, 2
),
rp AS (
  SELECT ${month('r.replied_at')} AS bucket, ${team('r.team_id')} AS team,
    count(r.reply_business_seconds) AS n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY r.reply_business_seconds) AS med
  FROM reply_facts r
  WHERE r.org_id = ${orgId} AND r.replied_at >= ${start} AND r.replied_at < ${end}
  GROUP BY 1, 2
),
ad AS (
  SELECT ${month('a.at')} AS bucket, ${team('a.team')} AS team,
    count(DISTINCT a.agent || '|' || CAST(CAST(a.at AT TIME ZONE ${tz} AS DATE) AS text)) AS n
  FROM (
    SELECT r.replied_at AS at, r.team_id AS team, r.agent_id AS agent FROM reply_facts r
    WHERE r.org_id = ${orgId} AND r.replied_at >= ${start} AND r.replied_at < ${end} AND r.agent_id IS NOT NULL
    UNION ALL
    SELECT t.solved_at, t.solved_team_id, t.solved_assignee_id FROM ticket_facts t
    WHERE t.org_id = ${orgId} AND t.solved_at >= ${start} AND t.solved_at < ${end} AND t.solved_assignee_id IS NOT NULL
  ) a
  GROUP BY 1, 2
),
sl AS (
  SELECT ${month('s.placed_at')} AS bucket, ${team('s.team_id')} AS team,
    count(*) FILTER (WHERE s.achieved_at IS NOT NULL OR s.breached_at <= ${range.now}) AS n,
    count(*) FILTER (WHERE s.achieved_at IS NOT NULL) AS achieved,
    count(*) FILTER (WHERE s.breached_at <= ${range.now}) AS breached
  FROM (SELECT x.*, coalesce(x.achieved_at, x.breached_at) AS placed_at FROM sla_instances x
        WHERE x.org_id = ${orgId}) s
  WHERE s.placed_at >= ${start} AND s.placed_at < ${end}
  GROUP BY 1, 2
),
sr AS (
  SELECT ${month('s.responded_at')} AS bucket,
    coalesce(s.team_id, t.solved_team_id, t.created_team_id, ${NO_TEAM}) AS team,
    count(*) FILTER (WHERE s.kind = 'csat') AS csat_n,
    count(*) FILTER (WHERE s.kind = 'csat' AND s.positive = TRUE) AS csat_pos,
    count(s.score_std) FILTER (WHERE s.kind = 'csat') AS csat_mean_n,
    avg(s.score_std) FILTER (WHERE s.kind = 'csat') AS csat_mean,
    count(s.score_std) FILTER (WHERE s.kind = 'enps') AS enps_n,
    count(*) FILTER (WHERE s.kind = 'enps' AND s.score_std IS NOT NULL AND s.positive) AS enps_pro,
    count(*) FILTER (WHERE s.kind = 'enps' AND s.score_std IS NOT NULL AND s.detractor) AS enps_det,
    count(s.score_std) FILTER (WHERE s.kind = 'nps') AS nps_n,
    count(*) FILTER (WHERE s.kind = 'nps' AND s.score_std IS NOT NULL AND s.positive) AS nps_pro,
    count(*) FILTER (WHERE s.kind = 'nps' AND s.score_std IS NOT NULL AND s.detractor) AS nps_det,
    count(s.score_std) FILTER (WHERE s.kind = 'ces') AS ces_n,
    avg(s.score_std) FILTER (WHERE s.kind = 'ces') AS ces,
    count(*) FILTER (WHERE s.kind = 'ces') AS ces_all,
    count(*) FILTER (WHERE s.kind = 'ces' AND s.positive = TRUE) AS ces_pos,
    count(*) FILTER (WHERE s.kind = 'repurchase') AS rep_n,
    count(*) FILTER (WHERE s.kind = 'repurchase' AND s.positive = TRUE) AS rep_pos,
    count(s.followup_seconds) FILTER (WHERE s.negative = TRUE) AS flc_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY s.followup_seconds) FILTER (WHERE s.negative = TRUE) AS flc
  FROM surveys s
  LEFT JOIN ticket_facts t ON t.org_id = s.org_id AND t.ticket_id = s.ticket_id
  WHERE s.org_id = ${orgId} AND s.responded_at >= ${start} AND s.responded_at < ${end}
  GROUP BY 1, 2
),
ss AS (
  SELECT ${month('s.sent_at')} AS bucket,
    coalesce(s.team_id, t.solved_team_id, t.created_team_id, ${NO_TEAM}) AS team,
    count(*) FILTER (WHERE s.kind IS DISTINCT FROM 'enps') AS n,
    count(*) FILTER (WHERE s.kind IS DISTINCT FROM 'enps' AND s.responded_at IS NOT NULL) AS answered
  FROM surveys s
  LEFT JOIN ticket_facts t ON t.org_id = s.org_id AND t.ticket_id = s.ticket_id
  WHERE s.org_id = ${orgId} AND s.sent_at >= ${start} AND s.sent_at < ${end}
  GROUP BY 1, 2
),
bl AS (
  SELECT b.bucket, ${team('t.created_team_id')} AS team, count(*) AS n
  FROM bk b
  JOIN ticket_facts t ON t.org_id = ${orgId} AND t.created_at < b.end_at
    AND ((t.solved_at IS NULL AND t.status NOT IN ('solved', 'closed')) OR t.solved_at >= b.end_at)
  GROUP BY 1, 2
),
ec AS (
  SELECT b.bucket, ${team('t.escalated_team_id')} AS team, count(*) AS n,
    count(*) FILTER (WHERE t.solved_at >= b.start_at AND t.solved_at < b.end_at) AS closed
  FROM bk b
  JOIN ticket_facts t ON t.org_id = ${orgId} AND t.escalated_at IS NOT NULL AND t.escalated_at < b.end_at
    AND ((t.solved_at IS NULL AND t.status NOT IN ('solved', 'closed')) OR t.solved_at >= b.start_at)
  GROUP BY 1, 2
),
tcs AS (
  SELECT coalesce(tc.bucket, ts.bucket) AS bucket, coalesce(tc.team, ts.team) AS team,
    coalesce(tc.n, 0) AS created, coalesce(ts.n, 0) AS solved
  FROM tc FULL JOIN ts ON ts.bucket = tc.bucket AND ts.team = tc.team
),
sad AS (
  SELECT coalesce(ts.bucket, ad.bucket) AS bucket, coalesce(ts.team, ad.team) AS team,
    coalesce(ts.n, 0) AS solved, coalesce(ad.n, 0) AS agent_days
  FROM ts FULL JOIN ad ON ad.bucket = ts.bucket AND ad.team = ts.team
),
slc AS (
  SELECT coalesce(sl.bucket, tc.bucket) AS bucket, coalesce(sl.team, tc.team) AS team,
    coalesce(sl.breached, 0) AS breached, coalesce(tc.n, 0) AS created
  FROM sl FULL JOIN tc ON tc.bucket = sl.bucket AND tc.team = sl.team
)
SELECT 'ticket_volume' AS kpi, bucket, team, CAST(n AS double precision) AS value, n FROM tc
UNION ALL SELECT 'first_response_time', bucket, team, frt, frt_n FROM tc
UNION ALL SELECT 'complaint_resolution_rate', bucket, team, ${ratio('complaints_7d', 'complaints', 100)}, complaints FROM tc
UNION ALL SELECT 'escalation_rate', bucket, team, ${ratio('escalated', 'n', 100)}, n FROM tc
UNION ALL SELECT 'fcr_rate', bucket, team, ${ratio('fcr_num', 'fcr_den', 100)}, fcr_den FROM ts
UNION ALL SELECT 'aht', bucket, team, aht, aht_n FROM ts
UNION ALL SELECT 'resolution_efficiency', bucket, team, ${ratio('solved', 'created', 100)}, created FROM tcs
UNION ALL SELECT 'automation_rate', bucket, team, ${ratio('automated', 'n', 100)}, n FROM ts
UNION ALL SELECT 'kb_utilisation', bucket, team, ${ratio('kb_num', 'kb_den', 100)}, kb_den FROM ts
UNION ALL SELECT 'resolution_time', bucket, team, res, res_n FROM ts
UNION ALL SELECT 'reopen_rate', bucket, team, ${ratio('reopened', 'reopen_den', 100)}, reopen_den FROM ts
UNION ALL SELECT 'solved_per_agent_day', bucket, team, ${ratio('solved', 'agent_days', 1)}, agent_days FROM sad
UNION ALL SELECT 'escalation_response_time', bucket, team, med, n FROM te
UNION ALL SELECT 'escalation_closure_rate', bucket, team, ${ratio('closed', 'n', 100)}, n FROM ec
UNION ALL SELECT 'avg_response_time', bucket, team, med, n FROM rp
UNION ALL SELECT 'sla_compliance', bucket, team, ${ratio('achieved', 'n', 100)}, n FROM sl
UNION ALL SELECT 'sla_breaches_per_100', bucket, team, ${ratio('breached', 'created', 100)}, created FROM slc
UNION ALL SELECT 'backlog', bucket, team, CAST(n AS double precision), n FROM bl
UNION ALL SELECT 'csat', bucket, team, ${ratio('csat_pos', 'csat_n', 100)}, csat_n FROM sr
UNION ALL SELECT 'csat_mean', bucket, team, csat_mean, csat_mean_n FROM sr
UNION ALL SELECT 'enps', bucket, team,
  CASE WHEN enps_n > 0 THEN 100.0 * CAST(enps_pro - enps_det AS double precision) / enps_n END, enps_n FROM sr
UNION ALL SELECT 'ces', bucket, team, ces, ces_n FROM sr
UNION ALL SELECT 'nps', bucket, team,
  CASE WHEN nps_n > 0 THEN 100.0 * CAST(nps_pro - nps_det AS double precision) / nps_n END, nps_n FROM sr
UNION ALL SELECT 'repurchase_intent', bucket, team, ${ratio('rep_pos', 'rep_n', 100)}, rep_n FROM sr
UNION ALL SELECT 'ces_low_effort', bucket, team, ${ratio('ces_pos', 'ces_all', 100)}, ces_all FROM sr
UNION ALL SELECT 'feedback_loop_closure_time', bucket, team, flc, flc_n FROM sr
UNION ALL SELECT 'survey_response_rate', bucket, team, ${ratio('answered', 'n', 100)}, n FROM ss`;
}

function rangeEndDay(to: string): string {
  const d = new Date(`${to}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export async function referenceHome(
  store: Store,
  orgId: number,
  timeZone: string,
  range: HomeRange,
): Promise<ReferenceRow[]> {
  const { rows } = await homeReferenceStatement(orgId, timeZone, range).execute(store.db);
  return rows.map((r) => ({
    kpi: r.kpi,
    bucket: r.bucket,
    team: r.team,
    value: r.value === null ? null : Number(r.value),
    n: Number(r.n),
  }));
}

export interface Mismatch {
  kpi: string;
  bucket: string;
  team: string;
  engine: { value: number | null; n: number } | null;
  reference: { value: number | null; n: number } | null;
}

const round2 = (v: number | null) => (v === null ? null : Math.round((v + Number.EPSILON) * 100) / 100);

/**
 * Every engine row with n > 0 must appear in the reference with the same n and value (rounded as the
 * engine rounds; means may differ in the last bit between summation orders), and the reference may
 * hold nothing else. Returns the mismatches (empty when identical) and the number of cells compared.
 */
export function compareHome(
  engine: readonly KpiRow[],
  reference: readonly ReferenceRow[],
): { compared: number; mismatches: Mismatch[] } {
  const key = (kpi: string, bucket: string, team: string) => `${kpi}|${bucket}|${team}`;
  const ref = new Map(reference.filter((r) => r.n > 0).map((r) => [key(r.kpi, r.bucket, r.team), r]));
  const mismatches: Mismatch[] = [];
  let compared = 0;
  const seen = new Set<string>();
  for (const row of engine) {
    if (row.n === 0) continue;
    const team = (row.team as string | null) ?? NO_TEAM;
    const k = key(row.kpi, row.bucket, team);
    seen.add(k);
    compared++;
    const r = ref.get(k);
    const value = round2(r?.value ?? null);
    const close =
      r !== undefined &&
      r.n === row.n &&
      (value === row.value ||
        (value !== null &&
          row.value !== null &&
          Math.abs(value - row.value) <= 0.0100001 + 1e-9 * Math.abs(value)));
    if (!close) {
      mismatches.push({
        kpi: row.kpi,
        bucket: row.bucket,
        team,
        engine: { value: row.value, n: row.n },
        reference: r ? { value, n: r.n } : null,
      });
    }
  }
  for (const [k, r] of ref) {
    if (!seen.has(k)) {
      mismatches.push({
        kpi: r.kpi,
        bucket: r.bucket,
        team: r.team,
        engine: null,
        reference: { value: round2(r.value), n: r.n },
      });
    }
  }
  return { compared, mismatches };
}
