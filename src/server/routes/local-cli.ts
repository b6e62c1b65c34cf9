import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LOCAL } from '../access.js';
import { HttpError } from '../http-errors.js';
import { errorResponses } from '../schemas.js';

export const localCliRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/local/cli',
    {
      config: { access: LOCAL },
      schema: {
        tags: ['local'],
        summary: 'Run a deskscore CLI command in the server (only for the CLI on this machine)',
        description:
          'Authenticated by the secret in the server file beside the database; users and API tokens get 403.',
        body: z.strictObject({
          argv: z.array(z.string().max(4096)).max(200),
          cwd: z.string().min(1).max(4096),
        }),
        response: {
          200: z.object({ exit_code: z.number().int(), stdout: z.string(), stderr: z.string() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const run = app.deskscore.runCli;
      if (!run) throw new HttpError(503, 'unavailable', 'this server does not run CLI commands');
      if (app.deskscore.readiness())
        throw new HttpError(503, 'starting', `the server is ${app.deskscore.readiness()}`);
      request.log.info({ argv: request.body.argv.slice(0, 2) }, 'local CLI command');
      const result = await run(request.body.argv, request.body.cwd);
      return { exit_code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    },
  );
};
