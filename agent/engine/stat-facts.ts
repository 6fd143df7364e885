// Turns an lstat/fstat result into manifest metadata: type, ISO-8601 times with nanoseconds, octal mode, ids.
import type { BigIntStats } from 'node:fs';
import type { EntryType, ManifestEntry } from '../manifest/types.ts';

export function entryType(stat: BigIntStats): EntryType {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice()) return 'character-device';
  if (stat.isBlockDevice()) return 'block-device';
  return 'unknown';
}

/** ISO-8601 UTC with all nine fractional digits the file system gave; null for a zero (unknown) time. */
export function isoFromNs(ns: bigint): string | null {
  if (ns === 0n) return null;
  const ms = ns / 1_000_000n;
  const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const base = new Date(Number(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return `${base.slice(0, 19)}.${frac.toString().padStart(9, '0')}Z`;
}

export type StatFacts = Pick<ManifestEntry, 'mtime' | 'atime' | 'ctime' | 'birthtime' | 'mode' | 'uid' | 'gid' | 'inode'>;

export function statFacts(stat: BigIntStats): StatFacts {
  return {
    mtime: isoFromNs(stat.mtimeNs),
    atime: isoFromNs(stat.atimeNs),
    ctime: isoFromNs(stat.ctimeNs),
    birthtime: isoFromNs(stat.birthtimeNs),
    mode: stat.mode.toString(8).padStart(6, '0'),
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    inode: stat.ino.toString(),
  };
}

export const EMPTY_STAT_FACTS: StatFacts = { mtime: null, atime: null, ctime: null, birthtime: null, mode: null, uid: null, gid: null, inode: null };
