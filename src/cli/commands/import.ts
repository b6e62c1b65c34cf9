import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  describeError,
  ImportFailedError,
  type ImportSummary,
  importFile,
} from '../../ingest/import-file.js';
import { loadMappingFile, type Mapping, MappingError } from '../../ingest/mapping.js';
import { FileReadError } from '../../ingest/read-records.js';
import { deriveTickets } from '../../jobs/derive-tickets.js';
import { CliError, type GlobalOptions, organizationFor, printJson, withStore } from '../context.js';
import { commandIo, err, out } from '../io.js';

interface ImportCliOptions {
  mapping?: string;
  org?: string;
  skipInvalid?: boolean;
  json?: boolean;
}

function progressBar(enabled: boolean) {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    format: 'importing [{bar}] {percentage}% | {rows} rows | {phase}',
    hideCursor: true,
    stream: process.stderr,
  });
  let started = false;
  return {
    update(p: { bytesRead: number; totalBytes: number; rowsRead: number; phase: string }) {
      if (!started) {
        bar.start(Math.max(1, p.totalBytes), 0, { rows: 0, phase: p.phase });
        started = true;
      }
      bar.update(p.bytesRead, { rows: p.rowsRead, phase: p.phase });
    },
    stop: () => started && bar.stop(),
  };
}

function describe(summary: ImportSummary): string {
  const lines = [
    `${summary.file}: ${summary.status} (${summary.shape ?? 'unknown shape'}, import #${summary.importId})`,
    `  rows read ${summary.rowsRead}, stored ${summary.rowsStored}, skipped ${summary.rowsSkipped}`,
    `  tickets created ${summary.tickets.created}, updated ${summary.tickets.updated}, unchanged ${summary.tickets.unchanged}`,
  ];
  if (summary.records) {
    const { kind, counts } = summary.records;
    lines.push(
      `  ${kind} created ${counts.created}, updated ${counts.updated}, unchanged ${counts.unchanged}`,
    );
  }
  if (summary.events) {
    lines.push(
      `  events created ${summary.events.created}, updated ${summary.events.updated}, unchanged ${summary.events.unchanged}`,
    );
  }
  for (const w of summary.warnings) lines.push(`  warning: ${w}`);
  if (summary.errorCount > 0) {
    lines.push(
      `  errors ${summary.errorCount}${summary.errorCount > summary.errors.length ? ` (first ${summary.errors.length} shown)` : ''}:`,
    );
    for (const e of summary.errors) lines.push(`    ${describeError(e)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerImportCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('import')
    .description('import tickets, events or snapshots from a CSV, JSON or JSONL file (docs/import.md)')
    .argument('<file>', 'the file to import')
    .option(
      '--mapping <mapping.json>',
      'how the file maps to a canonical shape (default: canonical column names)',
    )
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--skip-invalid', 'store the valid rows and report the invalid ones, instead of storing nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: ImportCliOptions) => {
      let mapping: Mapping | undefined;
      try {
        mapping = opts.mapping ? loadMappingFile(opts.mapping) : undefined;
      } catch (error) {
        if (error instanceof MappingError) throw new CliError(error.message);
        throw error;
      }
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const bar = progressBar(commandIo().interactive && !opts.json);
        try {
          const summary = await importFile({
            store,
            org,
            file,
            mapping,
            skipInvalid: opts.skipInvalid,
            onProgress: (p) => bar.update(p),
          });
          const derived = await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
          bar.stop();
          if (opts.json) printJson({ ...summary, derived });
          else
            out(
              `${describe(summary)}  facts derived for ${derived.tickets} tickets in ${derived.seconds.toFixed(1)} s\n`,
            );
        } catch (error) {
          bar.stop();
          if (error instanceof ImportFailedError) {
            if (opts.json) printJson(error.summary);
            else err(describe(error.summary));
            throw new CliError(error.message);
          }
          if (error instanceof FileReadError) throw new CliError(error.message);
          throw error;
        }
      });
    });
}
