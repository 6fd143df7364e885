// Catalog types: what an artifact definition is. The catalogs themselves are plain data.

/** How soon the platform itself destroys the artifact: 0 = deleted by the platform on its own, 1 = agent state and history, 2 = logs. */
export type VolatilityTier = 0 | 1 | 2;

export type TargetOs = 'linux' | 'windows';

/**
 * What the collector does with a matched file.
 * - `copy`: bytes go into the archive.
 * - `hash-only`: the file is read and hashed, metadata and hashes are recorded, bytes are not archived
 *   (private keys, unless the operator opts in with `--include-keys`).
 * - `copy-small`: bytes go into the archive when the file is at most `limits.maxCopyBytes`, otherwise hash-only.
 */
export type CollectionMode = 'copy' | 'hash-only' | 'copy-small';

export interface ArtifactDefinition {
  /** CamelCase, OS prefix and type suffix, unique in its catalog: `LinuxCseDownloadDirectory`. */
  readonly id: string;
  /** One line saying what it is and why it matters. */
  readonly description: string;
  readonly os: TargetOs;
  /**
   * Absolute glob patterns as the VM sees them, `/` separated. Linux: `/var/lib/waagent/*-*\/config/**`.
   * Windows: drive letter first, `C:/Packages/Plugins/**`. `*`, `?`, `[..]`, `{a,b}` match within one
   * segment; `**` matches any number of segments (zero included). Matching never follows symlinks.
   */
  readonly globs: readonly string[];
  readonly tier: VolatilityTier;
  readonly mode: CollectionMode;
  /** True for secret-bearing files that are hash-only unless `--include-keys` is given. */
  readonly sensitive?: boolean;
  readonly limits?: { readonly maxCopyBytes?: number };
  /** Where the claim comes from: a section of the project's reference or a source path. */
  readonly references: readonly string[];
}

export type Catalog = readonly ArtifactDefinition[];
