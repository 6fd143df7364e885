// Opens one listed regular file safely and reads exactly the size announced in its tar header, detecting growth, shrinking, replacement and deletion.
import { open, type FileHandle } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import type { ChangeKind, Outcome } from '../manifest/types.ts';
import { EVIDENCE_OPEN_FLAGS, EVIDENCE_OPEN_FLAGS_WITH_ATIME, HAS_NOATIME } from './open-flags.ts';
import type { MultiHash } from './multi-hash.ts';

const CHUNK = 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/** Where read buffers come from (the archive writer's pool), so they can be reused once consumed. */
export interface ReadBuffers { acquire(): Buffer }
const freshBuffers: ReadBuffers = { acquire: () => Buffer.allocUnsafe(CHUNK) };

export interface OpenFailure { outcome: Outcome; change?: ChangeKind; note: string }

export interface ReadResult {
  /** Bytes that came from the file; the rest of `size` was zero-filled. */
  bytesRead: number;
  change?: ChangeKind;
  sizeAfterRead?: number;
  notes: string[];
}

export function outcomeForOpenError(err: NodeJS.ErrnoException): OpenFailure {
  switch (err.code) {
    case 'ENOENT': case 'ENOTDIR': return { outcome: 'vanished', note: 'gone between listing and opening' };
    case 'EACCES': case 'EPERM': return { outcome: 'denied', note: `${err.code}: permission refused` };
    case 'ELOOP': return { outcome: 'changed-during-read', change: 'replaced', note: 'replaced by a symlink between listing and opening; not followed' };
    case 'ENXIO': return { outcome: 'special-skipped', change: 'replaced', note: 'replaced by a socket or device between listing and opening' };
    case 'EBUSY': case 'EWOULDBLOCK': return { outcome: 'locked', note: `${err.code}: held by another process` };
    default: return { outcome: 'error', note: `${err.code ?? 'error'}: ${err.message}` };
  }
}

/** A regular file ready to be archived: opened and fstat'ed (EvidenceFile) or already read into memory (EvidenceSnapshot). */
export interface OpenedEvidence {
  /** fstat at opening: its size is the tar header size. */
  readonly stat: BigIntStats;
  readonly size: number;
  pump(write: (chunk: Buffer) => Promise<void> | void, hash: MultiHash, buffers?: ReadBuffers): Promise<ReadResult>;
  close(): Promise<void>;
}

export class EvidenceFile implements OpenedEvidence {
  private readonly handle: FileHandle;
  /** fstat of the opened file: its size is the tar header size. */
  readonly stat: BigIntStats;
  readonly notes: string[];
  readonly replaced: boolean;

  private constructor(handle: FileHandle, stat: BigIntStats, notes: string[], replaced: boolean) {
    this.handle = handle;
    this.stat = stat;
    this.notes = notes;
    this.replaced = replaced;
  }

  get size(): number { return Number(this.stat.size); }

  /** Opens `hostPath`; `listed` is the lstat taken when the path was listed. */
  static async open(hostPath: Buffer, listed: BigIntStats): Promise<EvidenceFile | OpenFailure> {
    const notes: string[] = [];
    let handle: FileHandle;
    try {
      handle = await open(hostPath, EVIDENCE_OPEN_FLAGS);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'EPERM' || !HAS_NOATIME) return outcomeForOpenError(e);
      try {
        handle = await open(hostPath, EVIDENCE_OPEN_FLAGS_WITH_ATIME);
        notes.push('O_NOATIME refused (not owner, no CAP_FOWNER): atime may have been updated by this read');
      } catch (err2) {
        return outcomeForOpenError(err2 as NodeJS.ErrnoException);
      }
    }
    let stat: BigIntStats;
    try {
      stat = await handle.stat({ bigint: true });
    } catch (err) {
      await handle.close();
      return outcomeForOpenError(err as NodeJS.ErrnoException);
    }
    if (!stat.isFile()) {
      await handle.close();
      return { outcome: 'special-skipped', change: 'replaced', note: 'no longer a regular file when opened; not read' };
    }
    const replaced = stat.ino !== listed.ino || stat.dev !== listed.dev;
    if (replaced) notes.push('a different file (inode) was at this path when opened than when listed; the opened file was read');
    return new EvidenceFile(handle, stat, notes, replaced);
  }

  /**
   * Reads exactly `size` bytes into `write`, hashing what is written. A file that ends early is zero-filled up to `size`
   * (so the archive stays well-formed and its bytes still hash to the manifest) and reported as shrunk.
   */
  async pump(write: (chunk: Buffer) => Promise<void> | void, hash: MultiHash, buffers: ReadBuffers = freshBuffers): Promise<ReadResult> {
    const size = this.size;
    const notes = [...this.notes];
    let position = 0;
    let bytesRead = 0;
    let readFailed = false;
    while (position < size) {
      const want = Math.min(CHUNK, size - position);
      let chunk: Buffer;
      if (readFailed) {
        chunk = ZEROS.subarray(0, want);
      } else {
        const buf = buffers.acquire();
        let n = 0;
        try {
          n = (await this.handle.read(buf, 0, want, position)).bytesRead;
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          notes.push(`read failed at offset ${position}: ${e.code ?? e.message}; the rest was zero-filled`);
          readFailed = true;
        }
        if (n === 0) {
          readFailed = true;
          chunk = ZEROS.subarray(0, want);
        } else {
          chunk = buf.subarray(0, n);
          bytesRead += n;
        }
      }
      hash.update(chunk);
      await write(chunk);
      position += chunk.length;
    }

    let change: ChangeKind | undefined = this.replaced ? 'replaced' : undefined;
    let sizeAfterRead: number | undefined;
    const after = await this.handle.stat({ bigint: true }).catch(() => null);
    if (bytesRead < size) {
      change = 'shrank';
      sizeAfterRead = after ? Number(after.size) : undefined;
      notes.push(`file ended after ${bytesRead} of ${size} bytes; archived bytes ${bytesRead}..${size} are zero-fill`);
    } else if (after && after.size > this.stat.size) {
      change ??= 'grew';
      sizeAfterRead = Number(after.size);
      notes.push(`grew from ${size} to ${sizeAfterRead} bytes while read; the first ${size} bytes were archived`);
    } else if (after && (after.mtimeNs !== this.stat.mtimeNs || after.size !== this.stat.size)) {
      change ??= 'modified';
      notes.push('modified while read (mtime changed); archived bytes may mix old and new content');
    }
    if (after && after.nlink === 0n) {
      change ??= 'deleted';
      notes.push('deleted while read; the open handle kept the data, all bytes were read');
    }
    return { bytesRead, change, sizeAfterRead, notes };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
