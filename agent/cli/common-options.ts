// Options shared by collect and plan, and their checks: --root must be a readable directory.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { CollectorError } from '../errors.ts';
import { OS_CHOICES, type OsChoice } from './select-platform.ts';

export const rootOption = {
  root: { type: 'string', default: '/', describe: 'Evidence root: / for the live system, or a mounted disk / fake VM tree', normalize: true },
  os: { type: 'string', choices: OS_CHOICES as OsChoice[], default: 'auto' as OsChoice, describe: 'Which catalog to use; auto = the running OS, or Windows when <root>/C/Windows exists' },
} as const;

export function checkedRoot(root: string): string {
  const abs = path.resolve(root);
  let isDir = false;
  try { isDir = statSync(abs).isDirectory(); } catch (err) {
    throw new CollectorError('CSE_ROOT_INVALID', `--root ${abs} cannot be read: ${(err as NodeJS.ErrnoException).code}`, 'give an existing directory: / on a live VM, or the mount point of a disk');
  }
  if (!isDir) throw new CollectorError('CSE_ROOT_INVALID', `--root ${abs} is not a directory`, 'give an existing directory: / on a live VM, or the mount point of a disk');
  // The operator's root may itself be a link (/cases/vm1 -> /mnt/snap): resolve it once here, since the walk below never follows links.
  return realpathSync(abs);
}
