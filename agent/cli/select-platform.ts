// Picks the platform for --os: explicit, or auto (the OS the tool runs on, or a Windows tree recognised under --root).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CollectorError } from '../errors.ts';
import type { Platform } from '../engine/platform.ts';
import { linuxPlatform } from '../linux/platform.ts';

export type OsChoice = 'auto' | 'linux' | 'windows';
export const OS_CHOICES: readonly OsChoice[] = ['auto', 'linux', 'windows'];

/** A Windows disk laid out as <root>/C/... : a C/Windows or C/WindowsAzure folder. */
export const looksLikeWindowsTree = (root: string): boolean =>
  ['Windows', 'WindowsAzure', 'windows', 'windowsazure'].some((d) => existsSync(path.join(root, 'C', d)));

export function selectPlatform(choice: OsChoice, root: string, runtimePlatform: string = process.platform): Platform {
  const os = choice !== 'auto' ? choice : runtimePlatform === 'win32' || looksLikeWindowsTree(root) ? 'windows' : 'linux';
  if (os === 'windows') {
    throw new CollectorError('CSE_NOT_SUPPORTED', 'the Windows catalog is not in this version yet', 'collect a Linux VM, or use a build that has Windows support');
  }
  return linuxPlatform;
}
