import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ImportFailedError,
  type ImportProgress,
  type ImportSummary,
  importFile,
} from '../ingest/import-file.js';
import type { Mapping } from '../ingest/mapping.js';
import { FileReadError } from '../ingest/read-records.js';
import type { Store } from '../storage/database.js';
import type { Organization } from '../storage/organizations.js';
import { type DeriveSummary, deriveTickets } from './derive-tickets.js';
import type { SerialQueue } from './serial-queue.js';

export type ImportJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ImportJob {
  id: string;
  org_id: number;
  file_name: string;
  status: ImportJobStatus;
  created_at: Date;
  finished_at: Date | null;
  progress: ImportProgress | null;
  /** The importer's summary (with row-level errors), once it has one. */
  summary: ImportSummary | null;
  derived: DeriveSummary | null;
  error: string | null;
}

const KEEP_FINISHED_MS = 24 * 3600_000;

/**
 * File imports started over the API: queued behind other writes, run with progress, then the tickets
 * they touched re-derived. Jobs live in memory (a day after they finish); the imports table keeps
 * every import's outcome for good.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();

  constructor(
    private readonly store: Store,
    private readonly writes: SerialQueue,
    private readonly onFinished: (job: ImportJob) => Promise<void> = async () => undefined,
  ) {}

  /** Starts importing `file` (which the job owns and deletes, with its folder, when done). */
  start(
    org: Organization,
    input: { file: string; fileName: string; mapping?: Mapping; skipInvalid: boolean },
  ): ImportJob {
    this.forgetOld();
    const job: ImportJob = {
      id: randomUUID(),
      org_id: org.id,
      file_name: input.fileName,
      status: 'queued',
      created_at: new Date(),
      finished_at: null,
      progress: null,
      summary: null,
      derived: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    void this.writes
      .run(async () => {
        job.status = 'running';
        try {
          job.summary = await importFile({
            store: this.store,
            org,
            file: input.file,
            mapping: input.mapping,
            skipInvalid: input.skipInvalid,
            onProgress: (p) => {
              job.progress = p;
            },
          });
          job.derived = await deriveTickets(this.store, org, {
            kind: 'import',
            importId: job.summary.importId,
          });
          job.status = 'succeeded';
        } catch (error) {
          job.status = 'failed';
          if (error instanceof ImportFailedError) job.summary = error.summary;
          job.error =
            error instanceof ImportFailedError || error instanceof FileReadError
              ? error.message
              : `internal error: ${(error as Error).message}`;
        } finally {
          job.finished_at = new Date();
          rmSync(dirname(input.file), { recursive: true, force: true });
        }
        await this.onFinished(job);
      })
      .catch(() => undefined);
    return job;
  }

  get(orgId: number, id: string): ImportJob | undefined {
    const job = this.jobs.get(id);
    return job && job.org_id === orgId ? job : undefined;
  }

  private forgetOld(): void {
    const cutoff = Date.now() - KEEP_FINISHED_MS;
    for (const [id, job] of this.jobs)
      if (job.finished_at && job.finished_at.getTime() < cutoff) this.jobs.delete(id);
  }
}
