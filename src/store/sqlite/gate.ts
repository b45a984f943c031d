// Admission to one SQLite database within this process. A transaction spans awaits, but the
// connection is shared: while a transaction holds the gate, every other operation on the same
// database (from this handle or another handle on the same file) waits its turn, in FIFO order, so
// it never runs inside someone else's transaction or blocks the event loop on SQLite's write lock.
// Operations that find the gate free run at once, synchronously: the common path costs nothing.

import { realpathSync } from 'node:fs';

export class Gate {
  #busy = false;
  readonly #waiters: (() => void)[] = [];

  get busy(): boolean {
    return this.#busy;
  }

  /** Runs the synchronous `op` now if the gate is free and nobody waits, else when its turn comes. */
  run<T>(op: () => T): Promise<T> {
    if (!this.#busy && this.#waiters.length === 0) {
      try {
        return Promise.resolve(op());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.#waiters.push(() => {
        try {
          resolve(op());
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  /** Holds the gate for the whole of `fn`, awaits included. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#busy || this.#waiters.length > 0) {
      await new Promise<void>((resolve) =>
        this.#waiters.push(() => {
          this.#busy = true;
          resolve();
        }),
      );
    } else this.#busy = true;
    try {
      return await fn();
    } finally {
      this.#busy = false;
      this.#drain();
    }
  }

  #drain(): void {
    // INVARIANT: waiters run in arrival order; a transaction's waiter sets #busy and stops the loop.
    while (!this.#busy && this.#waiters.length > 0) (this.#waiters.shift() as () => void)();
  }
}

const shared = new Map<string, { gate: Gate; refs: number }>();

/** The gate of a database file, shared by every handle on it in this process; in-memory databases get their own. */
export function acquireGate(path: string): { gate: Gate; release: () => void } {
  let key: string | undefined;
  if (path !== '' && path !== ':memory:' && !path.startsWith('file:')) {
    try {
      key = realpathSync(path);
    } catch {
      key = undefined;
    }
  }
  if (key === undefined) return { gate: new Gate(), release: () => {} };
  let entry = shared.get(key);
  if (entry === undefined) {
    entry = { gate: new Gate(), refs: 0 };
    shared.set(key, entry);
  }
  entry.refs++;
  const e = entry;
  let released = false;
  return {
    gate: e.gate,
    release: () => {
      if (released) return;
      released = true;
      if (--e.refs === 0 && shared.get(key) === e) shared.delete(key);
    },
  };
}
