import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import {
  csvLine,
  DEMO_FILE_ORDER,
  DEMO_FILES,
  DEMO_TIME_ZONE,
  type DemoCounts,
  type DemoFile,
  type DemoOptions,
  type DemoPlan,
  generateDemo,
} from '../demo/index.js';
import { ImportFailedError, type ImportSummary, importFile } from '../ingest/import-file.js';
import type { Store } from '../storage/database.js';
import { createOrganization, type Organization } from '../storage/organizations.js';
import { saveSchedule, saveSlaPolicy } from '../storage/settings-repository.js';
import { setUpDemoGoals } from './demo-goals.js';
import { type DeriveSummary, deriveTickets } from './derive-tickets.js';

export interface DemoFiles {
  dir: string;
  files: Record<DemoFile, string>;
  plan: DemoPlan;
  counts: DemoCounts;
  seconds: number;
}

/** Generates the demo data as canonical CSV files (docs/import.md) in `dir`. */
export function writeDemoFiles(options: DemoOptions, dir: string): DemoFiles {
  const started = performance.now();
  const files = {} as Record<DemoFile, string>;
  const fds = new Map<DemoFile, number>();
  const buffers = new Map<DemoFile, string[]>();
  const sizes = new Map<DemoFile, number>();
  for (const f of DEMO_FILE_ORDER) {
    files[f] = join(dir, `${f}.csv`);
    fds.set(f, openSync(files[f], 'w'));
    buffers.set(f, [DEMO_FILES[f].join(',')]);
    sizes.set(f, 0);
  }
  const flush = (f: DemoFile) => {
    const lines = buffers.get(f)!;
    if (lines.length > 0) writeSync(fds.get(f)!, `${lines.join('\n')}\n`);
    buffers.set(f, []);
    sizes.set(f, 0);
  };
  try {
    const { plan, counts } = generateDemo(options, {
      row(file, values) {
        const line = csvLine(values);
        buffers.get(file)!.push(line);
        const size = sizes.get(file)! + line.length;
        sizes.set(file, size);
        if (size > 1 << 20) flush(file);
      },
    });
    for (const f of DEMO_FILE_ORDER) flush(f);
    return { dir, files, plan, counts, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}

export interface LoadDemoOptions extends DemoOptions {
  /** The organisation to create (default "demo"); it must not exist yet. */
  slug?: string;
  /** Keep the generated CSV files (their folder is in the result). */
  keepFiles?: boolean;
  onPhase?: (phase: string) => void;
}

export interface LoadDemoSummary {
  org: { slug: string; id: number; timeZone: string };
  from: string;
  to: string;
  seed: number;
  months: number;
  scale: number;
  counts: DemoCounts;
  imports: Array<Pick<ImportSummary, 'file' | 'shape' | 'rowsStored'>>;
  derived: DeriveSummary;
  /** Goals of seed 000's worked example, set in the organisation. */
  goals: number;
  filesDir: string | null;
  seconds: { generate: number; import: number; derive: number; total: number };
}

/**
 * Creates the demo organisation: its business schedule and SLA policies first, then every generated
 * file through importFile, then one derive of all tickets.
 */
export async function loadDemo(store: Store, options: LoadDemoOptions): Promise<LoadDemoSummary> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'deskscore-demo-'));
  try {
    // Created first, so an existing organisation fails before minutes of work.
    const org: Organization = await createOrganization(store.db, {
      slug: options.slug ?? 'demo',
      name: 'Demo Support (generated)',
      timeZone: DEMO_TIME_ZONE,
    });
    options.onPhase?.('generating');
    const generated = writeDemoFiles(options, dir);
    await saveSchedule(store.db, org.id, generated.plan.schedule);
    for (const policy of generated.plan.slaPolicies) await saveSlaPolicy(store.db, org.id, policy);

    const importStarted = performance.now();
    const imports: LoadDemoSummary['imports'] = [];
    for (const f of DEMO_FILE_ORDER) {
      options.onPhase?.(`importing ${f}`);
      const summary = await importFile({ store, org, file: generated.files[f] });
      if (summary.status !== 'succeeded') throw new ImportFailedError(summary);
      imports.push({ file: summary.file, shape: summary.shape, rowsStored: summary.rowsStored });
    }
    const deriveStarted = performance.now();
    options.onPhase?.('deriving');
    const derived = await deriveTickets(store, org, { kind: 'all' });
    const derivedAt = performance.now();
    options.onPhase?.('setting goals');
    const goals = await setUpDemoGoals(
      store,
      org,
      generated.plan,
      DateTime.fromISO(options.today, { zone: org.time_zone }).toJSDate(),
    );
    const done = performance.now();
    return {
      org: { slug: org.slug, id: org.id, timeZone: org.time_zone },
      from: generated.plan.from,
      to: generated.plan.to,
      seed: options.seed,
      months: options.months,
      scale: options.scale ?? 1,
      counts: generated.counts,
      imports,
      derived,
      goals,
      filesDir: options.keepFiles ? dir : null,
      seconds: {
        generate: generated.seconds,
        import: (deriveStarted - importStarted) / 1000,
        derive: (derivedAt - deriveStarted) / 1000,
        total: (done - started) / 1000,
      },
    };
  } finally {
    if (!options.keepFiles) rmSync(dir, { recursive: true, force: true });
  }
}
