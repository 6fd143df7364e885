// The watcher's memory across restarts: which (path, SHA-256) pairs are already preserved, kept in a small JSON file outside the evidence, bounded in size.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

interface StateFile { version: 1; preserved: [string, string][] }

/** At most this many (path, sha256) pairs are remembered; the oldest are forgotten first (they may then be sent again, never lost). */
export const MAX_REMEMBERED = 200_000;

export class StateStore {
  readonly file: string;
  private readonly preserved = new Set<string>();

  private constructor(file: string) {
    this.file = file;
  }

  static async open(file: string): Promise<StateStore> {
    const store = new StateStore(path.resolve(file));
    const text = await readFile(store.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (text) {
      const state = JSON.parse(text) as StateFile;
      if (state.version !== 1) throw new Error(`${store.file}: unknown state version ${String(state.version)}`);
      for (const [p, sha] of state.preserved) store.preserved.add(`${p}\n${sha}`);
    }
    return store;
  }

  get size(): number { return this.preserved.size; }

  has(pathKey: string, sha256: string): boolean {
    return this.preserved.has(`${pathKey}\n${sha256}`);
  }

  add(pathKey: string, sha256: string): void {
    this.preserved.add(`${pathKey}\n${sha256}`);
    for (const oldest of this.preserved) {
      if (this.preserved.size <= MAX_REMEMBERED) break;
      this.preserved.delete(oldest);
    }
  }

  /** Atomic: a crash leaves the old file or the new one, never half of one. */
  async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const state: StateFile = { version: 1, preserved: [...this.preserved].map((k) => k.split('\n') as [string, string]) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
