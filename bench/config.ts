/** What the benchmark's processes share: the phases, the fixed "now", the home range and the KPI page. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseTarget } from '../src/storage/database.js';
import { DATA_TODAY, HOME_FROM } from './dataset.js';
import type { HomeRange } from './home-reference.js';

export type Phase = 'setup' | 'import-flat' | 'import-events' | 'derive' | 'queries';

export interface PhaseInput {
  phase: Phase;
  target: DatabaseTarget;
  /** Where the generated files are, and where the phase may write scratch files. */
  dir: string;
  resultFile: string;
  tickets: number;
  pgUrl: string;
  /** Warm repetitions (the median is reported). */
  reps: number;
  /** The event log as one file (1) or split into this many files of whole tickets, imported in turn. */
  eventFiles: number;
  /** The organisation the queries and the API read: BENCH_ORG (from the event log), or FLAT_ORG with --flat-only. */
  queryOrg: string;
}

/** "Now" for every computation: after the data, fixed, so results are reproducible. */
export const BENCH_NOW = new Date('2026-02-01T00:00:00Z');
export const HOME_RANGE: HomeRange = { from: HOME_FROM, to: DATA_TODAY, now: BENCH_NOW };
/** The KPI page: one KPI by week and team, at p90, over the home's 13 months. */
export const KPI_PAGE = {
  kpi: 'first_response_time',
  from: HOME_FROM,
  to: DATA_TODAY,
  grain: 'week',
  by: 'team',
  statistic: 'p90',
} as const;
export const FLAT_ORG = 'flat';
export const BENCH_ORG = 'bench';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** Results of each run (gitignored). */
export const RESULTS_DIR = join(BENCH_DIR, 'results');
/** Committed baselines, one per engine and size: <engine>-<tickets>.json. */
export const BASELINE_DIR = join(BENCH_DIR, 'baseline');
