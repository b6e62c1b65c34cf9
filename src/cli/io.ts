import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from '../storage/database.js';

/**
 * Where a command writes and which store it uses. A command run by the CLI writes to the terminal and
 * opens the database itself; the same command run inside a server (for a CLI on this machine, while
 * the server holds DuckDB's only handle) writes into buffers sent back and uses the server's store.
 */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** A person watches stderr: progress bars and phase lines are worth drawing. */
  interactive: boolean;
  store?: Store;
}

const terminal: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  get interactive() {
    return Boolean(process.stderr.isTTY);
  },
};

const current = new AsyncLocalStorage<CommandIo>();

export function commandIo(): CommandIo {
  return current.getStore() ?? terminal;
}

export function withCommandIo<T>(io: CommandIo, work: () => Promise<T>): Promise<T> {
  return current.run(io, work);
}

export const out = (text: string) => commandIo().out(text);
export const err = (text: string) => commandIo().err(text);
