/**
 * Runs tasks one at a time, in order. The server routes every import-like write (live batches, file
 * imports, CLI commands, recorded measurements) through one queue: import ids are allocated as
 * max + 1 inside each import's transaction, and DuckDB refuses concurrent writers of the same rows.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
