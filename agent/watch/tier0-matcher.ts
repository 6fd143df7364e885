// Tells whether a path the watcher saw is tier-0 evidence: the catalog's tier-0 globs, matched against the path's segments.
import picomatch from 'picomatch';
import type { ArtifactDefinition } from '../catalog/types.ts';
import type { EvidenceSegments, Platform } from '../engine/platform.ts';

export interface Tier0Match { artifact: ArtifactDefinition; glob: string }

export function tier0Matcher(platform: Platform): (segments: EvidenceSegments) => Tier0Match | null {
  const tests = platform.catalog.filter((a) => a.tier === 0).flatMap((artifact) => artifact.globs.map((glob) => ({
    artifact, glob, test: picomatch(platform.globSegments(glob).join('/'), { dot: true, nocase: platform.caseInsensitive }),
  })));
  return (segments) => {
    const rel = segments.map((s) => s.toString('utf8')).join('/');
    const hit = tests.find((t) => t.test(rel));
    return hit ? { artifact: hit.artifact, glob: hit.glob } : null;
  };
}
