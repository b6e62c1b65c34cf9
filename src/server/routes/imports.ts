import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Mapping, MappingError, parseMapping } from '../../ingest/mapping.js';
import { type ImportJob, ImportJobs } from '../../jobs/import-jobs.js';
import { recordAudit } from '../../storage/audit-log.js';
import { actorLabel, MANAGERS, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, HttpError, notFound } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses } from '../schemas.js';

export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

const jobSchema = z.object({
  id: z.string(),
  file_name: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  created_at: z.date(),
  finished_at: z.date().nullable(),
  progress: z
    .object({
      bytesRead: z.number(),
      totalBytes: z.number(),
      rowsRead: z.number(),
      phase: z.enum(['reading', 'merging']),
    })
    .nullable(),
  summary: z
    .unknown()
    .describe('the importer summary: counts and row-level errors (file, row, field, reason)'),
  derived: z.unknown(),
  error: z.string().nullable(),
});

const importRowSchema = z.object({
  id: z.number().int(),
  file_name: z.string(),
  shape: z.string(),
  status: z.string(),
  started_at: z.date(),
  finished_at: z.date().nullable(),
  rows_read: z.number(),
  rows_skipped: z.number(),
  tickets_created: z.number(),
  tickets_updated: z.number(),
  events_created: z.number(),
  events_updated: z.number(),
  records_kind: z.string().nullable(),
  records_created: z.number().nullable(),
  records_updated: z.number().nullable(),
  error_count: z.number(),
});

const publicJob = ({ org_id: _org, ...job }: ImportJob) => job;
const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_').slice(-100) || 'upload';

export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;
  const actors = new Map<string, { actorUserId: number; actor: string; ip: string }>();
  const jobs = new ImportJobs(ctx.store, ctx.writes, async (job) => {
    const who = actors.get(job.id);
    actors.delete(job.id);
    await recordAudit(db, {
      orgId: job.org_id,
      actorUserId: who?.actorUserId ?? null,
      actor: who?.actor ?? 'system',
      action: job.status === 'succeeded' ? 'import_succeeded' : 'import_failed',
      targetType: 'import',
      targetId: job.summary?.importId,
      detail: {
        file: job.file_name,
        rows_read: job.summary?.rowsRead ?? 0,
        rows_stored: job.summary?.rowsStored ?? 0,
        errors: job.summary?.errorCount ?? 0,
        ...(job.error ? { error: job.error } : {}),
      },
      ip: who?.ip,
    });
  });
  await app.register(fastifyMultipart, {
    limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 4, fieldSize: 1024 * 1024 },
  });

  app.post(
    '/imports',
    {
      config: { access: roles(MANAGERS) },
      schema: {
        tags: ['imports'],
        summary:
          'Upload a CSV, JSON or JSONL file to import (multipart/form-data); answers with a job to follow',
        description:
          'Form fields: `file` (required), `mapping` (optional mapping JSON, docs/import.md), `skip_invalid` ' +
          '("true" stores the valid rows and reports the others; default: all-or-nothing). The job reports progress, ' +
          'then the importer summary with row-level errors (file, row, field, reason).',
        consumes: ['multipart/form-data'],
        response: { 202: jobSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      if (!request.isMultipart()) throw badRequest('body', 'send multipart/form-data with a "file" field');
      const dir = mkdtempSync(join(tmpdir(), 'deskscore-upload-'));
      let file: { path: string; name: string } | undefined;
      const fields: Record<string, string> = {};
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file')
              throw badRequest(`body.${part.fieldname}`, 'the file goes in the "file" field');
            const name = safeName(part.filename);
            const path = join(dir, name);
            await pipeline(part.file, createWriteStream(path));
            if (part.file.truncated) {
              throw new HttpError(
                413,
                'too_large',
                `file: larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`,
              );
            }
            file = { path, name };
          } else if (typeof part.value === 'string') {
            if (!['mapping', 'skip_invalid'].includes(part.fieldname)) {
              throw badRequest(
                `body.${part.fieldname}`,
                'unknown field (fields: file, mapping, skip_invalid)',
              );
            }
            fields[part.fieldname] = part.value;
          }
        }
        if (!file) throw badRequest('body.file', 'is required');
        let mapping: Mapping | undefined;
        if (fields.mapping !== undefined && fields.mapping.trim() !== '') {
          try {
            mapping = parseMapping(JSON.parse(fields.mapping), 'mapping');
          } catch (error) {
            if (error instanceof MappingError || error instanceof SyntaxError)
              throw badRequest('body.mapping', error.message);
            throw error;
          }
        }
        const skip = fields.skip_invalid;
        if (skip !== undefined && skip !== 'true' && skip !== 'false') {
          throw badRequest('body.skip_invalid', 'use "true" or "false"');
        }
        const job = jobs.start(p.org, {
          file: file.path,
          fileName: file.name,
          ...(mapping ? { mapping } : {}),
          skipInvalid: skip === 'true',
        });
        actors.set(job.id, { actorUserId: p.user.id, actor: actorLabel(p), ip: request.ip });
        await auditChange(request, {
          action: 'import_started',
          targetType: 'import_job',
          targetId: job.id,
          detail: { file: file.name },
        });
        return reply.code(202).send(publicJob(job));
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        const code = (error as { code?: string }).code;
        if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
          throw badRequest('body', 'send one file and at most the mapping and skip_invalid fields');
        }
        throw error;
      }
    },
  );

  app.get(
    '/imports/jobs/:id',
    {
      config: { access: roles(MANAGERS) },
      schema: {
        tags: ['imports'],
        summary:
          'An import job: queued, running (with progress), succeeded or failed (with row-level errors)',
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: jobSchema, ...errorResponses },
      },
    },
    async (request) => {
      const job = jobs.get(userPrincipal(request).org.id, request.params.id);
      if (!job) throw notFound('import job');
      return publicJob(job);
    },
  );

  app.get(
    '/imports',
    {
      config: { access: roles(MANAGERS) },
      schema: {
        tags: ['imports'],
        summary: 'Import history, newest first',
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.array(importRowSchema), ...errorResponses },
      },
    },
    async (request) =>
      db
        .selectFrom('imports')
        .select([
          'id',
          'file_name',
          'shape',
          'status',
          'started_at',
          'finished_at',
          'rows_read',
          'rows_skipped',
          'tickets_created',
          'tickets_updated',
          'events_created',
          'events_updated',
          'records_kind',
          'records_created',
          'records_updated',
          'error_count',
        ])
        .where('org_id', '=', userPrincipal(request).org.id)
        .orderBy('id', 'desc')
        .limit(request.query.limit)
        .execute(),
  );

  app.get(
    '/imports/:id',
    {
      config: { access: roles(MANAGERS) },
      schema: {
        tags: ['imports'],
        summary: 'One import with its first row-level errors',
        params: z.strictObject({ id: z.coerce.number().int().positive() }),
        response: {
          200: importRowSchema.extend({
            errors: z.array(
              z.object({ file: z.string(), row: z.number(), field: z.string(), reason: z.string() }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const row = await db
        .selectFrom('imports')
        .selectAll()
        .where('org_id', '=', userPrincipal(request).org.id)
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) throw notFound('import');
      return { ...row, errors: JSON.parse(row.errors) };
    },
  );
};
