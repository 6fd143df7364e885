// Refuses an output path inside the evidence: under a non-live --root, or at a path any catalog glob would collect.
import path from 'node:path';
import { realpathSync } from 'node:fs';
import picomatch from 'picomatch';
import { CollectorError } from '../errors.ts';
import type { Platform } from './platform.ts';

const within = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

function resolveExisting(p: string): string {
  const abs = path.resolve(p);
  try { return path.join(realpathSync(path.dirname(abs)), path.basename(abs)); } catch { return abs; }
}

export function assertOutputOutsideEvidence(output: string, platform: Platform, root: string): void {
  if (output === '-') return;
  const out = resolveExisting(output);
  let relative: string;
  if (platform.hostPath(root, []).length === 0) {
    // A root with no directory (live Windows: the machine's drives): the output's own path, drive letter first, is its evidence path.
    relative = out.replace(/^([A-Za-z]):[\\/]*/, '$1/').split(/[\\/]+/).join('/');
  } else {
    const rootAbs = resolveExisting(root);
    const liveRoot = rootAbs === path.parse(rootAbs).root;
    if (!liveRoot && within(out, rootAbs)) {
      throw new CollectorError('CSE_OUTPUT_INVALID', `output ${out} is inside the evidence root ${rootAbs}`, 'write the archive outside --root: nothing may be written under the evidence');
    }
    if (!within(out, rootAbs)) return;
    relative = path.relative(rootAbs, out).split(path.sep).join('/');
  }
  for (const glob of platform.catalog.flatMap((a) => a.globs)) {
    const pattern = platform.globSegments(glob).join('/');
    const opts = { dot: true, nocase: platform.caseInsensitive };
    const parents = relative.split('/').map((_, i, all) => all.slice(0, i + 1).join('/'));
    if (parents.some((p) => picomatch(pattern, opts)(p))) {
      throw new CollectorError('CSE_OUTPUT_INVALID', `output ${out} is a path the catalog collects (${glob})`, 'write the archive somewhere the catalog does not read, e.g. /mnt/resource or /tmp');
    }
  }
}
