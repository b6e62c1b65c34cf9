import { readLiveServer, serverFilePath } from '../server/server-file.js';
import { resolveDatabaseTarget } from '../storage/database.js';
import { commandIo } from './io.js';

/** The `--db` value in a raw argument list, if any (the forwarding decision comes before parsing). */
function dbFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--db') return argv[i + 1];
    if (a.startsWith('--db=')) return a.slice('--db='.length);
  }
  return undefined;
}

function withoutDbFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--db') i++;
    else if (!a.startsWith('--db=')) out.push(a);
  }
  return out;
}

/** Commands that never go through a server: starting one, and help. */
function staysLocal(argv: readonly string[]): boolean {
  const command = withoutDbFlag(argv).find((a) => !a.startsWith('-'));
  return (
    command === undefined ||
    command === 'start' ||
    command === 'help' ||
    argv.includes('--help') ||
    argv.includes('-h')
  );
}

/**
 * While `deskscore start` holds a DuckDB file, other processes cannot open it: the command runs in
 * that server instead (DESIGN.md, Storage). Returns the exit code, or undefined to run here.
 */
export async function runThroughServer(argv: readonly string[]): Promise<number | undefined> {
  if (commandIo().store || staysLocal(argv)) return undefined;
  const target = resolveDatabaseTarget(dbFlag(argv));
  if (target.kind !== 'duckdb' || target.location === ':memory:') return undefined;
  const server = readLiveServer(serverFilePath(target.location));
  if (!server) return undefined;
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/local/cli', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ argv: withoutDbFlag(argv), cwd: process.cwd() }),
    });
  } catch (error) {
    commandIo().err(
      `deskscore: the server at ${server.url} holds ${target.location} but does not answer: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const body = (await response.json().catch(() => null)) as
    | { exit_code: number; stdout: string; stderr: string }
    | { error: { message: string } }
    | null;
  if (!response.ok || !body || !('exit_code' in body)) {
    const message = body && 'error' in body ? body.error.message : `HTTP ${response.status}`;
    commandIo().err(`deskscore: the server at ${server.url} refused the command: ${message}\n`);
    return 1;
  }
  commandIo().out(body.stdout);
  commandIo().err(body.stderr);
  return body.exit_code;
}

export { withoutDbFlag };
