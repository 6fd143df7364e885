// installed.json: the exact files and directories an installation created, so uninstall removes those and nothing else.
import { readFile } from 'node:fs/promises';
import { ScheduleError } from './schedule-error.ts';
import type { RelPath, TargetOs } from './schedule-target.ts';

export interface RecordedFile {
  path: RelPath;
  /** Octal, e.g. "0600". */
  mode: string;
  bytes?: number;
  /** Absent for the SAS: its content is never hashed or recorded. */
  sha256?: string;
  secret?: boolean;
}

export interface InstallRecord {
  tool: 'cse-preserve';
  recordVersion: 1;
  os: TargetOs;
  toolVersion: string;
  installedAt: string;
  /** Files written, in order (installed.json itself is implied). */
  files: RecordedFile[];
  /** Directories that did not exist before, in creation order (parents first). */
  dirs: RelPath[];
}

/** A stored path must stay below the system root: relative, `/`-separated, no `.` or `..` segments. */
export function isSafeRelPath(p: unknown): p is RelPath {
  if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0') || /^[A-Za-z]:/.test(p)) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

export function parseRecord(text: string, where: string): InstallRecord {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch {
    throw new ScheduleError(`${where} is not JSON`, 'restore it from a backup, or remove the installation by hand (see docs/scheduling.md)');
  }
  const r = raw as Partial<InstallRecord>;
  const filesOk = Array.isArray(r.files) && r.files.every((f) => f && isSafeRelPath(f.path) && typeof f.mode === 'string');
  const dirsOk = Array.isArray(r.dirs) && r.dirs.every(isSafeRelPath);
  if (r.tool !== 'cse-preserve' || r.recordVersion !== 1 || (r.os !== 'linux' && r.os !== 'windows') || !filesOk || !dirsOk) {
    throw new ScheduleError(`${where} is not an installation record this version understands (or names a path outside the system root)`, 'remove the installation by hand (see docs/scheduling.md)');
  }
  return r as InstallRecord;
}

/** The record at `file`, or null when there is none. */
export async function readRecord(file: string): Promise<InstallRecord | null> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ScheduleError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`, 'run as root (Administrator on Windows)');
  }
  return parseRecord(text, file);
}

export const serializeRecord = (record: InstallRecord): Buffer => Buffer.from(`${JSON.stringify(record, null, 2)}\n`);

export const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
