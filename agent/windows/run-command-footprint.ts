// Recognises when the tool runs from a Windows Run Command (v1/v2) or CSE Downloads folder, so the manifest names that folder as the collection's own footprint.
import path from 'node:path';
import type { OwnFootprint } from '../manifest/types.ts';

const PATTERNS: [RegExp, OwnFootprint['via']][] = [
  [/^[A-Za-z]:\\Packages\\Plugins\\Microsoft\.CPlat\.Core\.RunCommandWindows\\[^\\]+\\Downloads(?=\\|$)/i, 'run-command-v1'],
  [/^[A-Za-z]:\\Packages\\Plugins\\Microsoft\.CPlat\.Core\.RunCommandHandlerWindows\\[^\\]+\\Downloads(?:\\[^\\]+)?(?=\\|$)/i, 'run-command-v2'],
  [/^[A-Za-z]:\\Packages\\Plugins\\Microsoft\.Compute\.CustomScriptExtension\\[^\\]+\\Downloads\\\d+(?=\\|$)/i, 'custom-script'],
];

/** `cwd` as a Windows path; with a tree root (<root>\C\...), it is first mapped back to the drive it stands for. */
export function windowsOwnFootprint(root: string, cwd: string, env: NodeJS.ProcessEnv): OwnFootprint | null {
  let vmCwd = cwd;
  if (root !== '') {
    const rel = path.win32.relative(root, cwd);
    const [drive, ...rest] = rel.split(/[\\/]/);
    vmCwd = rel.startsWith('..') || !/^[A-Za-z]$/.test(drive ?? '') ? '' : `${drive!.toUpperCase()}:\\${rest.join('\\')}`;
  }
  for (const [re, via] of PATTERNS) {
    const m = re.exec(vmCwd);
    if (m) return { via, sequence: env.ConfigSequenceNumber ?? (via === 'custom-script' ? /(\d+)$/.exec(m[0])![1]! : null), folder: m[0] };
  }
  if (env.CSE_PRESERVE_LAUNCHED_BY === 'run-command') return { via: 'run-command', sequence: env.ConfigSequenceNumber ?? null, folder: null };
  return null;
}
