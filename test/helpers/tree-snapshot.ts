// Snapshots a directory tree with lstat only (names as bytes, sizes, modes, times) to prove a collection changed nothing.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface SnapshotRow { kind: 'file' | 'directory' | 'symlink' | 'other'; fixed: string; atimeNs: bigint }

/**
 * Every entry below `root` keyed by its hex-encoded relative path. `fixed` holds what a collection must never change
 * (mode, size, inode, links, mtime, ctime); atime is kept apart because listing a directory or reading a symlink's
 * target updates their atime on Linux (no O_NOATIME for getdents/readlink) while regular files must keep theirs.
 */
export async function snapshotTree(root: string): Promise<Map<string, SnapshotRow>> {
  const out = new Map<string, SnapshotRow>();
  async function walk(dir: Buffer, rel: string): Promise<void> {
    for (const name of (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare)) {
      const full = Buffer.concat([dir, Buffer.from('/'), name]);
      const key = `${rel}/${name.toString('hex')}`;
      const s = await lstat(full, { bigint: true });
      const kind = s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'other';
      out.set(key, { kind, fixed: [s.mode, s.size, s.ino, s.nlink, s.mtimeNs, s.ctimeNs].join(':'), atimeNs: s.atimeNs });
      if (s.isDirectory()) await walk(full, key);
    }
  }
  await walk(Buffer.from(path.resolve(root)), '');
  return out;
}

/** Differences that matter: anything in `fixed`, entries added or removed, and the atime of regular files. */
export function changesBetween(before: Map<string, SnapshotRow>, after: Map<string, SnapshotRow>): string[] {
  const changes: string[] = [];
  for (const [key, row] of before) {
    const now = after.get(key);
    if (!now) changes.push(`removed ${key}`);
    else if (now.fixed !== row.fixed) changes.push(`changed ${key}`);
    else if (row.kind === 'file' && now.atimeNs !== row.atimeNs) changes.push(`atime of ${key}`);
  }
  for (const key of after.keys()) if (!before.has(key)) changes.push(`added ${key}`);
  return changes;
}
