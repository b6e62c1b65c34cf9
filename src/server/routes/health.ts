import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { PUBLIC } from '../access.js';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { access: PUBLIC },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { access: PUBLIC },
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers and start-up work (migrations, demo) is done',
        response: {
          200: z.object({ status: z.literal('ready') }),
          503: z.object({ status: z.literal('starting'), reason: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      const pending = app.deskscore.readiness();
      if (pending) return reply.code(503).send({ status: 'starting' as const, reason: pending });
      try {
        await sql`select 1`.execute(app.deskscore.store.db);
      } catch {
        return reply.code(503).send({ status: 'starting' as const, reason: 'the database does not answer' });
      }
      return { status: 'ready' as const };
    },
  );
};
