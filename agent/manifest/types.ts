// Manifest types: the archive's manifest.json contract (layoutVersion 1), documented in the README.
import type { VolatilityTier } from '../catalog/types.ts';

export const LAYOUT_VERSION = 1;

/** Closed set of outcomes: every path the catalog asked for ends with exactly one of these. */
export type Outcome =
  | 'collected'            // bytes (or the directory entry) archived, hashes match what was read
  | 'changed-during-read'  // archived, but the file grew, shrank, was modified or replaced while read (see `change`)
  | 'missing'              // a catalog glob matched nothing
  | 'vanished'             // listed, gone before it could be opened
  | 'denied'               // permission refused
  | 'special-skipped'      // FIFO, socket or device: never opened
  | 'symlink-recorded'     // symlink: target recorded, never followed
  | 'key-not-copied'       // private key: read and hashed, bytes not archived (--include-keys copies them)
  | 'locked'               // held open exclusively by another process (Windows)
  | 'error';               // anything else; `note` says what

/** Outcomes that make a collection "partial": evidence the catalog asked for could not be fully preserved. */
export const PROBLEM_OUTCOMES: readonly Outcome[] = ['vanished', 'denied', 'locked', 'error'];

export type EntryType = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'character-device' | 'block-device' | 'unknown' | 'none';

export type ChangeKind = 'grew' | 'shrank' | 'modified' | 'replaced' | 'deleted';

export interface ManifestEntry {
  /** Path as on the VM. */
  path: string;
  /** Raw path bytes (base64) when the name is not valid UTF-8; decode this for the exact name. */
  pathBytes?: string;
  /** Member name in the archive, or null when nothing was archived. */
  archivePath: string | null;
  artifact: string;
  tier: VolatilityTier;
  /** The catalog glob that matched. */
  glob: string;
  type: EntryType;
  outcome: Outcome;
  change?: ChangeKind;
  /** Bytes archived (equals the tar header size). */
  size: number | null;
  /** Bytes actually read from the file when that differs from `size` (shrank: rest zero-filled). */
  bytesRead?: number;
  /** Size the file had after reading, when it changed. */
  sizeAfterRead?: number;
  sha256: string | null;
  md5?: string;
  sha1?: string;
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
  birthtime: string | null;
  mode: string | null;
  uid: number | null;
  gid: number | null;
  inode: string | null;
  linkTarget?: string;
  linkTargetBytes?: string;
  /** How the bytes were obtained when not a plain read (e.g. `wevtutil-export`). */
  method?: string;
  note?: string;
}

export interface HostFacts {
  hostname: string;
  os: string;
  osRelease: string | null;
  kernel: string;
  arch: string;
  machineId: string | null;
  bootTime: string;
  /** When --root is not the live system: identity read from the evidence tree. */
  evidenceSystem?: { hostname: string | null; machineId: string | null; osRelease: string | null };
}

export interface ToolFacts {
  name: string;
  version: string;
  commit: string;
  target: string;
  executable: string;
  executableSha256: string | null;
  runtime: string;
}

/** The Run Command (or CSE) run that launched this collection: its folder holds the collector's own bootstrap, not attacker activity. */
export interface OwnFootprint {
  via: 'run-command-v1' | 'run-command-v2' | 'custom-script' | 'run-command';
  sequence: string | null;
  name?: string;
  /** The work folder as on the VM, or null when only the launcher said so. */
  folder: string | null;
}

export interface RunFacts {
  id: string;
  archive: string;
  previousArchives: { name: string; sha256: string; location: string; committedAt: string }[];
}

export interface Manifest {
  layoutVersion: number;
  tool: ToolFacts;
  host: HostFacts;
  startedAt: string;
  finishedAt: string;
  root: string;
  os: string;
  options: { hashes: string[]; compress: string; includeKeys: boolean };
  /** Where this archive was sent (no query string, no secret). */
  destination: string | null;
  /** The run this archive belongs to, when a run writes several archives (tier 0 first). */
  run?: RunFacts;
  /** Set when the collector was launched by Run Command/CSE: entries under `folder` are the collection's own footprint. */
  launchedBy?: OwnFootprint;
  /** Azure VM identity from IMDS (with the attested document), `pending` when not answered before this archive closed. */
  vm?: unknown;
  counts: Record<string, number>;
  entries: ManifestEntry[];
}
