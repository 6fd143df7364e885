// Where a live Windows run may write (event log exports, archives kept after a failed upload): Azure's resource disk D:\ unless the evidence is there, else the temp dir.
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Candidate directories in order of preference, for evidence on drive `evidenceDrive` (a letter, or null when unknown). */
export function scratchDirs(evidenceDrive: string | null, exists: (dir: string) => boolean = isDirectory): string[] {
  const resourceDisk = evidenceDrive?.toUpperCase() !== 'D' && exists('D:\\') ? ['D:\\'] : [];
  return [...resourceDisk, os.tmpdir()];
}

/** The drive letter of a Windows path (`E:\cases\vm1` → `E`), or null. */
export const driveOf = (p: string): string | null => /^(?:\\\\\?\\)?([A-Za-z]):/.exec(path.win32.resolve(p))?.[1]?.toUpperCase() ?? null;
