// Turns the catalog into an ordered stream of plan items: tier by tier, each path once, and a `missing` item for every glob that matched nothing.
import type { ArtifactDefinition, VolatilityTier } from '../catalog/types.ts';
import type { Platform } from './platform.ts';
import type { OpenedEvidence } from './evidence-file.ts';
import { resolveGlob, type GlobHit } from './resolve-glob.ts';

export type PlanItem =
  | ({ kind: 'hit'; artifact: ArtifactDefinition; glob: string; opened?: OpenedEvidence } & GlobHit)
  | { kind: 'missing'; artifact: ArtifactDefinition; glob: string };

export const ALL_TIERS: readonly VolatilityTier[] = [0, 1, 2];

/** Key identifying a path across globs (exact bytes). */
export const pathKey = (segments: readonly Buffer[]): string => segments.map((s) => s.toString('hex')).join('/');

/**
 * Yields plan items for the given tiers in tier order, then catalog order. `seen` carries de-duplication across calls,
 * so tier 0 can be planned, read and committed before tiers 1 and 2 are even listed.
 */
export async function* planCollection(
  platform: Platform,
  root: string,
  tiers: readonly VolatilityTier[] = ALL_TIERS,
  seen: Set<string> = new Set(),
): AsyncGenerator<PlanItem> {
  for (const tier of [...tiers].sort()) {
    for (const artifact of platform.catalog.filter((a) => a.tier === tier)) {
      for (const glob of artifact.globs) {
        let matched = false;
        for await (const hit of resolveGlob(platform, root, glob)) {
          matched = true;
          const key = pathKey(hit.segments);
          if (seen.has(key)) continue;
          seen.add(key);
          yield { kind: 'hit', artifact, glob, ...hit };
        }
        if (!matched) yield { kind: 'missing', artifact, glob };
      }
    }
  }
}
