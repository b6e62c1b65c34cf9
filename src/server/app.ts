import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { KpiDefinition } from '../engine/kpi-definition.js';
import { LiveBatchWorker } from '../jobs/process-live-batches.js';
import { SerialQueue } from '../jobs/serial-queue.js';
import type { Store } from '../storage/database.js';
import { type Access, type Principal, PUBLIC } from './access.js';
import { authenticate, authorize, CSRF_HEADER, SESSION_COOKIE } from './authenticate.js';
import { CredentialCache } from './credential-cache.js';
import { HttpError } from './http-errors.js';
import { alertRoutes } from './routes/alerts.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { drilldownRoutes } from './routes/drilldown.js';
import { goalRoutes } from './routes/goals.js';
import { healthRoutes } from './routes/health.js';
import { importRoutes } from './routes/imports.js';
import { kpiRoutes } from './routes/kpis.js';
import { liveEventRoutes } from './routes/live-events.js';
import { localCliRoutes } from './routes/local-cli.js';
import { measurementRoutes } from './routes/measurements.js';
import { organizationRoutes } from './routes/organization.js';
import { organizationStructureRoutes } from './routes/organization-structure.js';
import { reportRoutes } from './routes/reports.js';
import { scorecardRoutes } from './routes/scorecards.js';
import { slaAndScheduleRoutes } from './routes/sla-and-schedules.js';
import { slaOverviewRoutes } from './routes/sla-overview.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import { webAppRoutes } from './routes/web-app.js';

export const API_PREFIX = '/api/v1';

/** Runs one CLI command line inside the server process (DuckDB's single writer; DESIGN.md, Storage). */
export type CliRunner = (
  argv: readonly string[],
  cwd: string,
) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export interface AppOptions {
  store: Store;
  registry: ReadonlyMap<string, KpiDefinition>;
  /** The secret the local CLI sends (from the server file); absent: the local route answers 403. */
  localToken?: string | undefined;
  runCli?: CliRunner | undefined;
  /** Why the server is not ready yet (e.g. loading the demo); undefined when ready. */
  readiness?: () => string | undefined;
  logger?: FastifyServerOptions['logger'];
  loginRateLimit?: { max: number; windowMs: number };
  bodyLimit?: number;
  /** Behind a TLS-terminating proxy: trust X-Forwarded-* (for the client ip and Secure cookies). */
  trustProxy?: boolean;
  /** The queue import-like writes share (the server's CLI runner uses it too). */
  writes?: SerialQueue;
  now?: () => Date;
}

export interface AppContext {
  store: Store;
  /** Who each token and session belongs to, while the account tables are unchanged. */
  credentials: CredentialCache;
  /** Processes live batches after they are stored. */
  ingest: LiveBatchWorker;
  /** One import-like write at a time (see SerialQueue). */
  writes: SerialQueue;
  registry: ReadonlyMap<string, KpiDefinition>;
  localToken: string | undefined;
  runCli: CliRunner | undefined;
  readiness: () => string | undefined;
  now: () => Date;
  loginRateLimit: { max: number; windowMs: number };
}

declare module 'fastify' {
  interface FastifyInstance {
    deskscore: AppContext;
    /** Every route with its access rule, as registered (the role × endpoint test reads it). */
    routes: readonly RegisteredRoute[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access | undefined;
}

/** Never log credentials: these request parts are replaced by "[redacted]" in every log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  `req.headers["${CSRF_HEADER}"]`,
  'res.headers["set-cookie"]',
];

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Redaction is added to any logger configuration, so no caller can forget it.
    logger:
      options.logger && typeof options.logger === 'object'
        ? { ...options.logger, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }
        : (options.logger ?? false),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const writes = options.writes ?? new SerialQueue();
  const ingest = new LiveBatchWorker(options.store, { error: (obj, msg) => app.log.error(obj, msg) }, writes);
  // Batches stored before a crash or restart are still pending: process them once the server is up.
  app.addHook('onReady', async () => void ingest.kick());
  app.addHook('onClose', async () => ingest.stop());
  app.decorate('deskscore', {
    store: options.store,
    ingest,
    writes,
    registry: options.registry,
    credentials: new CredentialCache(options.store),
    localToken: options.localToken,
    runCli: options.runCli,
    readiness: options.readiness ?? (() => undefined),
    now: options.now ?? (() => new Date()),
    loginRateLimit: options.loginRateLimit ?? { max: 10, windowMs: 60_000 },
  } satisfies AppContext);
  app.decorateRequest('principal', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    // The documentation plugin's own routes are public; everything else must say who may call it.
    if (route.url.startsWith('/api/docs')) {
      route.config = { ...(route.config ?? {}), access: PUBLIC };
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: route.config?.access });
    }
  });
  app.decorate('routes', routes);

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'deskscore API',
        version: '1',
        description:
          'KRA/KPI performance for customer-support organisations. Authenticate with the session cookie from ' +
          `POST ${API_PREFIX}/auth/login (writes then need the ${CSRF_HEADER} header it returns) or with an ` +
          'API token as "Authorization: Bearer dsk_…".',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { config: { access: PUBLIC }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) {
      // A route without an access rule is a programming error: refuse rather than guess.
      if (request.routeOptions.url === undefined) return; // 404 handler
      throw new HttpError(500, 'no_access_rule', 'this route declares no access rule');
    }
    if (access.kind === 'public') return;
    request.principal = await authenticate(app.deskscore, request);
    authorize(access, request);
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .code(error.statusCode)
        .send({ error: { code: error.code, message: error.message, issues: error.issues } });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const issues = error.validation.map((v) => {
        const path = v.instancePath.split('/').filter(Boolean);
        const keys = (v.params as { keys?: string[] }).keys;
        const field = [where, ...path, ...(keys && keys.length === 1 ? keys : [])].join('.');
        return { field, message: v.message ?? 'invalid' };
      });
      return reply.code(400).send({
        error: {
          code: 'invalid_request',
          message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
          issues,
        },
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({
        error: { code: error.code?.toLowerCase() ?? 'bad_request', message: error.message, issues: [] },
      });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: `internal error (request ${request.id})`, issues: [] } });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({
      error: {
        code: 'not_found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
        issues: [],
      },
    }),
  );

  const api = app.withTypeProvider<ZodTypeProvider>();
  await api.register(
    async (v1) => {
      await v1.register(healthRoutes);
      await v1.register(authRoutes);
      await v1.register(organizationRoutes);
      await v1.register(userRoutes);
      await v1.register(tokenRoutes);
      await v1.register(kpiRoutes);
      await v1.register(drilldownRoutes);
      await v1.register(auditRoutes);
      await v1.register(organizationStructureRoutes);
      await v1.register(slaAndScheduleRoutes);
      await v1.register(slaOverviewRoutes);
      await v1.register(measurementRoutes);
      await v1.register(importRoutes);
      await v1.register(goalRoutes);
      await v1.register(scorecardRoutes);
      await v1.register(liveEventRoutes);
      await v1.register(localCliRoutes);
      await v1.register(alertRoutes);
      await v1.register(reportRoutes);
    },
    { prefix: API_PREFIX },
  );
  // The dashboard (web/dist) at `/`, with the single-page app's fallback; last, so the API wins.
  await app.register(webAppRoutes);
  return app;
}
