import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * A running server's address and the CLI's secret, in a file beside the DuckDB database (DESIGN.md,
 * Storage): DuckDB lets one process open the file, so while the server runs the CLI sends it commands.
 * Whoever can read this file can read the database file beside it too, so it grants nothing new.
 */
export interface ServerFile {
  url: string;
  pid: number;
  token: string;
  started_at: string;
}

export const serverFilePath = (databaseFile: string) => `${databaseFile}.server.json`;

export function writeServerFile(path: string, info: ServerFile): void {
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The server recorded beside this database, if its process still runs; a stale file is ignored. */
export function readLiveServer(path: string): ServerFile | undefined {
  let info: ServerFile;
  try {
    info = JSON.parse(readFileSync(path, 'utf8')) as ServerFile;
  } catch {
    return undefined;
  }
  if (typeof info.url !== 'string' || typeof info.token !== 'string' || !Number.isInteger(info.pid))
    return undefined;
  return alive(info.pid) ? info : undefined;
}

/** Removes the file if it is still ours (a newer server may have replaced it). */
export function removeServerFile(path: string, token: string): void {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as ServerFile;
    if (info.token === token) rmSync(path, { force: true });
  } catch {
    // Already gone.
  }
}
