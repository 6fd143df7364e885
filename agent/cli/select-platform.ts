// Picks the platform for --os (explicit, or auto: the OS the tool runs on, or a Windows tree recognised under --root) and the evidence root it reads.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Platform } from '../engine/platform.ts';
import { linuxPlatform } from '../linux/platform.ts';
import { LIVE_DRIVES_ROOT, windowsPlatform } from '../windows/platform.ts';

export type OsChoice = 'auto' | 'linux' | 'windows';
export const OS_CHOICES: readonly OsChoice[] = ['auto', 'linux', 'windows'];

/** Names in `dir` equal to one of `wanted` ignoring case (directories only); [] when `dir` cannot be listed. */
function childDirs(dir: string, wanted: readonly string[]): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && wanted.includes(d.name.toLowerCase()))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

/** A Windows disk laid out as <root>/C/... : a C/Windows or C/WindowsAzure folder, in any case. */
export const looksLikeWindowsTree = (root: string): boolean =>
  childDirs(root, ['c']).some((c) => childDirs(path.join(root, c), ['windows', 'windowsazure']).length > 0);

export function selectPlatform(choice: OsChoice, root: string, runtimePlatform: string = process.platform): Platform {
  const os = choice !== 'auto' ? choice : runtimePlatform === 'win32' || looksLikeWindowsTree(root) ? 'windows' : 'linux';
  return os === 'windows' ? windowsPlatform : linuxPlatform;
}

/**
 * The root the engine reads. On a live Windows run with the default root (`/`, which resolves to the current drive's root,
 * e.g. `C:\`) the Windows platform reads the machine's own drives: root LIVE_DRIVES_ROOT (`''`). Any other --root is a
 * tree laid out as <root>/C/..., <root>/D/... and is returned unchanged. `root` is the checked, absolute --root.
 */
export function resolveEvidenceRoot(platform: Platform, root: string, runtimePlatform: string = process.platform, defaultRoot: string = path.resolve('/')): string {
  const same = (a: string, b: string) => a.replace(/[\\/]+$/, '').toLowerCase() === b.replace(/[\\/]+$/, '').toLowerCase();
  return platform.os === 'windows' && runtimePlatform === 'win32' && same(root, defaultRoot) ? LIVE_DRIVES_ROOT : root;
}
