import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { liveBatchSchema, MAX_BATCH_ITEMS, validateLiveItems } from '../../ingest/live-batch.js';
import {
  activeIngestSecrets,
  createIngestSecret,
  getBatch,
  listIngestSecrets,
  revokeIngestSecret,
  storeBatch,
} from '../../storage/ingest-batches.js';
import { ADMINS, actorLabel, MANAGERS, roles } from '../access.js';
import { sameSecret, userPrincipal } from '../authenticate.js';
import { HttpError, notFound } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses, text } from '../schemas.js';

export const SIGNATURE_HEADER = 'x-deskscore-signature';
export const TIMESTAMP_HEADER = 'x-deskscore-timestamp';
/** A signed batch older or newer than this is refused (replays are also harmless: ingestion is idempotent). */
export const SIGNATURE_WINDOW_SECONDS = 300;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/** `v1=` + hex HMAC-SHA256 of "<timestamp>.<raw body>" with a signing secret. */
export function signBatch(secret: string, timestamp: string, body: Buffer | string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

const refuse = (code: string, message: string) => new HttpError(401, code, message);

/** When the organisation has signing secrets, every batch must carry a fresh signature made with one. */
async function checkSignature(request: FastifyRequest, now: Date): Promise<void> {
  const p = userPrincipal(request);
  const secrets = await activeIngestSecrets(request.server.deskscore.store.db, p.org.id);
  if (secrets.length === 0) return;
  const timestamp = request.headers[TIMESTAMP_HEADER];
  const signature = request.headers[SIGNATURE_HEADER];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') {
    throw refuse(
      'signature_required',
      `this organisation requires signed batches: send ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER}`,
    );
  }
  if (
    !/^\d{1,12}$/.test(timestamp) ||
    Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS
  ) {
    throw refuse(
      'stale_signature',
      `${TIMESTAMP_HEADER} must be the current Unix time (±${SIGNATURE_WINDOW_SECONDS} s)`,
    );
  }
  const body = request.rawBody ?? Buffer.alloc(0);
  if (!secrets.some((s) => sameSecret(signBatch(s, timestamp, body), signature))) {
    throw refuse(
      'bad_signature',
      `${SIGNATURE_HEADER} does not match the body with any active signing secret`,
    );
  }
}

const batchSchema = z.object({
  id: z.string(),
  received_at: z.date(),
  idempotency_key: z.string().nullable(),
  item_count: z.number().int(),
  status: z.enum(['pending', 'processed', 'failed']),
  attempts: z.number().int(),
  processed_at: z.date().nullable(),
  result: z.unknown(),
  error: z.string().nullable(),
});

const secretSchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.date(),
  revoked_at: z.date().nullable(),
});

export const liveEventRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  // This plugin's routes keep the raw body: the signature is over the exact bytes sent.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: MAX_BATCH_BYTES },
    (request, body, done) => {
      request.rawBody = body as Buffer;
      try {
        done(null, JSON.parse((body as Buffer).toString('utf8')));
      } catch (error) {
        done(
          new HttpError(400, 'invalid_json', `body is not valid JSON: ${(error as Error).message}`),
          undefined,
        );
      }
    },
  );

  app.post(
    '/events',
    {
      config: { access: roles(MANAGERS, { tokenOnly: true }) },
      bodyLimit: MAX_BATCH_BYTES,
      preValidation: async (request) => checkSignature(request, ctx.now()),
      schema: {
        tags: ['ingestion'],
        summary:
          'Send a batch of canonical records (events, tickets, surveys, …); stored durably before the 202',
        description:
          `Up to ${MAX_BATCH_ITEMS} items, each {"shape": "events", "record": {…docs/import.md fields…}}. API tokens only ` +
          `(write scope). With signing secrets configured, send ${TIMESTAMP_HEADER} (Unix seconds) and ` +
          `${SIGNATURE_HEADER}: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">. Idempotent by event and record ids; ` +
          'an Idempotency-Key header returns the first batch sent with it. Affected tickets are re-derived within seconds.',
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: liveBatchSchema,
        response: {
          202: z.object({ batch: batchSchema, replayed: z.boolean() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const { items } = request.body;
      const problems = validateLiveItems(items, p.org.time_zone);
      if (problems.length > 0) {
        const issues = problems.slice(0, 100).map((e) => ({
          field: `body.items.${e.item}.record.${e.field}`,
          message: e.reason,
        }));
        throw new HttpError(
          400,
          'invalid_request',
          `${problems.length} invalid item field${problems.length === 1 ? '' : 's'}, nothing stored; first: ${issues[0]!.field}: ${issues[0]!.message}`,
          issues,
        );
      }
      const { batch, replayed } = await storeBatch(ctx.store.db, p.org.id, {
        items,
        idempotencyKey: request.headers['idempotency-key'] ?? null,
        actor: actorLabel(p),
      });
      void ctx.ingest.kick();
      return reply.code(202).send({ batch, replayed });
    },
  );

  app.get(
    '/events/batches/:id',
    {
      config: { access: roles(MANAGERS) },
      schema: {
        tags: ['ingestion'],
        summary: 'A batch: pending, processed (with what it stored) or failed (with why)',
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: batchSchema, ...errorResponses },
      },
    },
    async (request) => {
      const batch = await getBatch(ctx.store.db, userPrincipal(request).org.id, request.params.id);
      if (!batch) throw notFound('batch');
      return batch;
    },
  );

  app.get(
    '/ingest-secrets',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['ingestion'],
        summary: 'Signing secrets for live batches (without the secrets)',
        response: { 200: z.array(secretSchema), ...errorResponses },
      },
    },
    async (request) => listIngestSecrets(ctx.store.db, userPrincipal(request).org.id),
  );

  app.post(
    '/ingest-secrets',
    {
      config: { access: roles(ADMINS, { interactive: true }) },
      schema: {
        tags: ['ingestion'],
        summary: 'Create a signing secret (shown once); from then on every batch must be signed',
        body: z.strictObject({ name: text(100) }),
        response: { 201: z.object({ secret: z.string(), record: secretSchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await createIngestSecret(
        ctx.store.db,
        userPrincipal(request).org.id,
        request.body.name,
      );
      await auditChange(request, {
        action: 'ingest_secret_created',
        targetType: 'ingest_secret',
        targetId: created.record.id,
        detail: { name: created.record.name },
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/ingest-secrets/:id',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['ingestion'],
        summary: 'Revoke a signing secret (batches signed with it are refused from now on)',
        params: z.strictObject({ id: z.uuid() }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const orgId = userPrincipal(request).org.id;
      if (!(await revokeIngestSecret(ctx.store.db, orgId, request.params.id)))
        throw notFound('signing secret');
      await auditChange(request, {
        action: 'ingest_secret_revoked',
        targetType: 'ingest_secret',
        targetId: request.params.id,
      });
      return reply.code(204).send(null);
    },
  );
};
