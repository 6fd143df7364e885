// Watches a directory tree with one non-recursive watch per directory: a directory watch reports creation, change and deletion of every entry in it at once (Node's recursive mode on Linux adds a watch and synchronous stats per file).
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface TreeWatcherEvents {
  /** Something changed at `relative` (path segments below the watched root); it may be gone already. */
  onChange(relative: string[]): void;
  /** A directory could not be watched or its watch failed: the caller should rescan. */
  onTrouble(message: string): void;
}

export class TreeWatcher {
  private readonly root: string;
  private readonly events: TreeWatcherEvents;
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(root: string, events: TreeWatcherEvents) {
    this.root = root;
    this.events = events;
  }

  get directories(): number { return this.watchers.size; }

  /** Watches the root and every directory below it (never through symlinks). */
  async start(): Promise<void> {
    await this.add([]);
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private async add(relative: string[]): Promise<void> {
    if (this.closed) return;
    const dir = path.join(this.root, ...relative);
    if (this.watchers.has(dir)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: true }, (_event, name) => {
        if (name === null) { this.events.onTrouble(`events lost in ${dir}`); return; }
        const child = [...relative, name.toString()];
        this.events.onChange(child);
        void this.maybeDirectory(child);
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.events.onTrouble(`cannot watch ${dir}: ${(err as Error).message}`);
      return;
    }
    w.on('error', () => { w.close(); this.watchers.delete(dir); });
    this.watchers.set(dir, w);
    // Entries created before this watch existed are reported now, and subdirectories get their own watches.
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const child = [...relative, e.name];
      if (e.isDirectory()) await this.add(child);
      else this.events.onChange(child);
    }
  }

  private async maybeDirectory(relative: string[]): Promise<void> {
    const dir = path.join(this.root, ...relative);
    const st = await lstat(dir).catch(() => null);
    if (st?.isDirectory()) await this.add(relative);
    else if (!st) {
      // Deleted: drop its watch and those below it.
      for (const [p, w] of this.watchers) if (p === dir || p.startsWith(`${dir}${path.sep}`)) { w.close(); this.watchers.delete(p); }
    }
  }
}
