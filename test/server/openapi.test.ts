import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture } from '../helpers/api.js';

describe('OpenAPI document', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await apiFixture('duckdb');
  });
  afterAll(() => f.close());

  it('validates against the OpenAPI schema and lists every API route', async () => {
    const res = await f.request(undefined, 'GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    const listed = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    // Every API route, with Fastify's :param written as OpenAPI's {param}; the docs pages are not API.
    const routes = f.app.routes
      .filter((r) => r.url.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    expect(listed).toEqual(routes);
  });

  it('describes request bodies, parameters and error answers', async () => {
    const doc = (await f.request(undefined, 'GET', '/api/openapi.json')).json();
    const createUser = doc.paths['/api/v1/users'].post;
    expect(createUser.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'name', 'role']),
    );
    expect(Object.keys(createUser.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
    const values = doc.paths['/api/v1/kpis/{id}/values'].get;
    expect(values.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['id', 'from', 'to', 'grain', 'by', 'where']),
    );
  });

  it('serves the interactive documentation', async () => {
    const res = await f.request(undefined, 'GET', '/api/docs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/html/);
  });
});
