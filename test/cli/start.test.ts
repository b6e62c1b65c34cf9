import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dedent, scratchDir } from '../helpers/files.js';
import {
  BIN,
  CLI_ENV as env,
  startServerProcess as start,
  stopServerProcess as stop,
} from '../helpers/server-process.js';

const run = promisify(execFile);
const files = scratchDir();
afterAll(() => files.cleanup());
const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe('deskscore start', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('creates an admin with a one-time password, runs CLI commands for other processes, and stops cleanly', async () => {
    const db = files.path('server.duckdb');
    const server = await start(db, '--no-demo', '--time-zone', 'UTC');
    children.push(server.child);
    const admin = /admin\s+(admin@default\.example)\s+(\S+)\s+\(one-time/.exec(server.stderr());
    expect(admin).not.toBeNull();
    expect(existsSync(`${db}.server.json`)).toBe(true);

    const ready = await fetch(`${server.url}/api/v1/ready`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const session = await login(server.url, admin![1]!, admin![2]!);
    expect(session.status).toBe(200);
    expect(
      ((await session.json()) as { user: { must_change_password: boolean } }).user.must_change_password,
    ).toBe(true);

    // DuckDB lets one process open the file: these commands only work because they go through the server.
    const orgs = await run(process.execPath, [BIN, '--db', db, 'org', 'list', '--json'], { env });
    expect(JSON.parse(orgs.stdout).map((o: { slug: string }) => o.slug)).toEqual(['default']);
    files.write(
      'tickets.csv',
      dedent(`
      id,created_at,status,team,assignee,channel
      T1,2026-03-02T09:00:00Z,open,Alpha,ana,email
    `),
    );
    const imported = await run(process.execPath, [BIN, '--db', db, 'import', 'tickets.csv', '--json'], {
      env,
      cwd: files.path('.'),
    });
    expect(JSON.parse(imported.stdout).tickets.created).toBe(1);
    const failing = await run(
      process.execPath,
      [BIN, '--db', db, 'kpi', 'nope', '--from', '2026-03-01', '--to', '2026-03-31'],
      { env },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failing).toMatchObject({ code: 1 });
    expect((failing as { stderr: string }).stderr).toMatch(/unknown KPI "nope"/);

    expect(await stop(server.child)).toBe(0);
    expect(existsSync(`${db}.server.json`)).toBe(false);
    // Stopped: the CLI opens the file itself again.
    const direct = await run(process.execPath, [BIN, '--db', db, 'org', 'list', '--json'], { env });
    expect(JSON.parse(direct.stdout)).toHaveLength(1);
  });

  it('loads the demo organisation into an empty database and prints its logins', async () => {
    const db = files.path('demo.duckdb');
    const server = await start(db, '--demo-scale', '0.01', '--demo-months', '1');
    children.push(server.child);
    expect(server.stderr()).toMatch(/logins for organisation "demo"/);
    expect(server.stderr()).toMatch(/admin@demo\.example\s+\S+\s+\(one-time/);
    const manager = await login(server.url, 'manager@demo.example', 'deskscore-demo');
    expect(manager.status).toBe(200);
    const agent = await login(server.url, 'agent@demo.example', 'deskscore-demo');
    expect(((await agent.json()) as { user: { agent_id: string | null } }).user.agent_id).not.toBeNull();
    const again = await start(db).catch((error: Error) => error);
    expect(String(again)).toMatch(/already runs on this database/);
    expect(await stop(server.child)).toBe(0);
  });
});
