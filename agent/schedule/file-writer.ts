// Writes installation files so no reader ever sees them half-written or with looser permissions, and creates directories while recording which were new.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { chmod, lstat, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { HostPath } from './host-paths.ts';
import { ScheduleError } from './schedule-error.ts';
import type { RelPath } from './schedule-target.ts';

export interface WrittenFile {
  bytes: number;
  sha256: string;
}

const errCode = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** Copies `source` into `out` in 1 MiB pieces (a binary is ~100 MB), hashing as it goes; returns the bytes copied. */
async function copyInto(out: FileHandle, source: string, hash: Hash): Promise<number> {
  const input = await open(source, 'r');
  const buf = Buffer.alloc(1024 * 1024);
  let total = 0;
  try {
    for (;;) {
      const { bytesRead } = await input.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return total;
      hash.update(buf.subarray(0, bytesRead));
      for (let off = 0; off < bytesRead;) off += (await out.write(buf, off, bytesRead - off)).bytesWritten;
      total += bytesRead;
    }
  } finally {
    await input.close();
  }
}

/**
 * Creates a temporary sibling exclusively with `mode` (the umask can only remove bits, so a 0600 secret is never
 * readable by others, not even for a moment), fills and syncs it, sets the exact mode, and renames it over `dest`.
 */
export async function writeFileAtomic(dest: string, source: Buffer | { copyFrom: string }, mode: number): Promise<WrittenFile> {
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  let bytes = 0;
  let handle;
  try {
    handle = await open(tmp, 'wx', mode);
    if (Buffer.isBuffer(source)) {
      await handle.writeFile(source);
      hash.update(source);
      bytes = source.length;
    } else {
      bytes = await copyInto(handle, source.copyFrom, hash);
    }
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, dest);
  } catch (err) {
    await handle?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw new ScheduleError(`cannot write ${dest}: ${errCode(err)}`, 'run as root (Administrator on Windows), and check the disk is writable', { cause: err });
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Makes `relDir` and any missing parent below the system root, each with `modeOf(rel)`, appending the ones it
 * created to `created` (parents first).
 */
export async function ensureDir(host: HostPath, relDir: RelPath, modeOf: (rel: RelPath) => number, created: RelPath[]): Promise<void> {
  const segments = relDir.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const rel = segments.slice(0, i).join('/');
    const where = host(rel);
    let exists = false;
    try {
      if (!(await stat(where)).isDirectory()) throw new ScheduleError(`${where} exists and is not a directory`, 'move it aside, then install again');
      exists = true;
    } catch (err) {
      if (err instanceof ScheduleError) throw err;
      if (errCode(err) !== 'ENOENT') throw new ScheduleError(`cannot inspect ${where}: ${errCode(err)}`, 'run as root (Administrator on Windows)');
    }
    if (exists) continue;
    try {
      await mkdir(where, { mode: modeOf(rel) });
      await chmod(where, modeOf(rel));
    } catch (err) {
      throw new ScheduleError(`cannot create ${where}: ${errCode(err)}`, 'run as root (Administrator on Windows)');
    }
    created.push(rel);
  }
}

/** Whether anything (even a dangling symlink) is at `p`; an unreadable parent counts as occupied. */
export async function occupied(p: string): Promise<boolean> {
  try { await lstat(p); return true; } catch (err) { return errCode(err) !== 'ENOENT'; }
}
