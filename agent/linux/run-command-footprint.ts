// Recognises when the tool itself runs from a Run Command (or CSE) work folder, so the manifest can name that folder as the collection's own footprint.
import path from 'node:path';
import type { OwnFootprint } from '../manifest/types.ts';

const PATTERNS: [RegExp, OwnFootprint['via']][] = [
  [/^\/var\/lib\/waagent\/run-command\/download\/(\d+)(?:\/|$)/, 'run-command-v1'],
  [/^\/var\/lib\/waagent\/run-command-handler\/(?:immediateD|d)ownload\/([^/]+)\/(\d+)(?:\/|$)/, 'run-command-v2'],
  [/^\/var\/lib\/waagent\/custom-script\/download\/(\d+)(?:\/|$)/, 'custom-script'],
];

/** `cwd` is the process's working directory (the handlers run scripts inside download/<seq>/), seen from the evidence `root`; env may carry ConfigSequenceNumber. */
export function linuxOwnFootprint(root: string, cwd: string, env: NodeJS.ProcessEnv): OwnFootprint | null {
  const relative = path.relative(root, cwd);
  const vmCwd = relative.startsWith('..') || path.isAbsolute(relative) ? '' : `/${relative}`;
  for (const [re, via] of PATTERNS) {
    const m = re.exec(vmCwd);
    if (!m) continue;
    const folder = m[0].replace(/\/$/, '');
    return via === 'run-command-v2'
      ? { via, name: m[1]!, sequence: m[2]!, folder }
      : { via, sequence: m[1]!, folder };
  }
  if (env.CSE_PRESERVE_LAUNCHED_BY === 'run-command') {
    return { via: 'run-command', sequence: env.ConfigSequenceNumber ?? null, folder: null };
  }
  return null;
}
