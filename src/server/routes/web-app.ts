import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC } from '../access.js';

/**
 * The dashboard (web/, built by `npm run build:web` into web/dist): its files at `/`, and every other
 * path that is not the API answered with index.html so the browser's router shows the page (SPA
 * fallback). Public: the app itself holds no data; it asks the API, which checks who asks.
 */

export const WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Scripts only from this server; inline styles for the chart library's SVG. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>deskscore</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>deskscore</h1><p>The dashboard has not been built yet. Run <code>npm run build:web</code> (or
<code>npm install</code>, which builds it) and reload. The API is at <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

export interface WebAppOptions {
  /** The built dashboard (default: web/dist beside the sources). */
  root?: string;
}

export async function webAppRoutes(app: FastifyInstance, options: WebAppOptions): Promise<void> {
  const root = options.root ?? WEB_ROOT;
  await app.register(fastifyStatic, { root, serve: false });

  const built = () => existsSync(join(root, 'index.html'));

  const sendIndex = (reply: FastifyReply) => {
    reply.header('content-security-policy', CSP).header('cache-control', 'no-cache');
    if (!built()) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.sendFile('index.html', root, { cacheControl: false });
  };

  const handler = async (request: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
    const path = request.params['*'] ?? '';
    // Unknown API paths keep the API's JSON 404.
    if (path === 'api' || path.startsWith('api/')) return reply.callNotFound();
    if (path === '' || path === 'index.html') return sendIndex(reply);
    const file = normalize(path).replace(/^(\.\.(\/|\\|$))+/, '');
    if (extname(file) !== '') {
      const full = join(root, file);
      if (full.startsWith(root) && existsSync(full) && statSync(full).isFile()) {
        // Vite names built assets by their content: they never change under the same name.
        const immutable = file.startsWith('assets/');
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.sendFile(file, root, { cacheControl: false });
      }
      return reply.callNotFound();
    }
    return sendIndex(reply);
  };

  const config = { access: PUBLIC };
  app.get('/', { config, schema: { hide: true } }, handler);
  app.get('/*', { config, schema: { hide: true } }, handler);
}
