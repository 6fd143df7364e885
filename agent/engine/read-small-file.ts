// Reads a small identity file (machine-id, os-release) with the evidence open flags; never follows links, never blocks.
import { open } from 'node:fs/promises';
import { EVIDENCE_OPEN_FLAGS, EVIDENCE_OPEN_FLAGS_WITH_ATIME } from './open-flags.ts';

const LIMIT = 64 * 1024;

/** Returns the file's text, or null when it is missing, not a regular file, unreadable or larger than 64 KiB. */
export async function readSmallFile(path: string | Buffer): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, EVIDENCE_OPEN_FLAGS).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EPERM') return open(path, EVIDENCE_OPEN_FLAGS_WITH_ATIME);
      throw err;
    });
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > LIMIT) return null;
    const buf = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}
