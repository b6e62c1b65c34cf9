import { type ChildProcess, spawn } from 'node:child_process';

export const BIN = new URL('../../bin/deskscore.mjs', import.meta.url).pathname;
export const CLI_ENV = { ...process.env, DESKSCORE_LOG_LEVEL: 'warn', DATABASE_URL: '', DESKSCORE_DB: '' };

export interface StartedServer {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts `deskscore start` on a free port and waits for "ready: <url>" (start-up work done). */
export function startServerProcess(db: string, ...args: string[]): Promise<StartedServer> {
  const child = spawn(process.execPath, [BIN, '--db', db, 'start', '--port', '0', ...args], { env: CLI_ENV });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not get ready:\n${stderr}`)), 120_000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
      const ready = /^ready: (http\S+)$/m.exec(stderr);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: ready[1]!, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${stderr}`)));
  });
}

/** Sends a signal and resolves with the exit code (null when killed by the signal). */
export function stopServerProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
