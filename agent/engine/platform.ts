// The Platform interface: everything OS-specific the engine needs, so that the engine never asks which OS it runs on.
import type { Catalog, TargetOs } from '../catalog/types.ts';
import type { HostFacts, OwnFootprint } from '../manifest/types.ts';
import type { LockedFileExporter } from './locked-file-exporter.ts';

/** A path below the evidence root, as raw name bytes per segment (names need not be valid UTF-8). */
export type EvidenceSegments = readonly Buffer[];

export interface Platform {
  readonly os: TargetOs;
  readonly catalog: Catalog;
  /** Catalog globs match names case-insensitively (Windows trees). */
  readonly caseInsensitive: boolean;
  /** Split a catalog glob into root-relative segment patterns: `/var/log/x*` → [`var`,`log`,`x*`]; `C:/Packages` → [`C`,`Packages`]. */
  globSegments(glob: string): string[];
  /** Where the evidence path lives on the machine running the tool. */
  hostPath(root: string, segments: EvidenceSegments): Buffer;
  /** The path as the VM saw it: `/var/log/waagent.log` or `C:\Packages\...`. Invalid UTF-8 bytes show as U+FFFD here; manifest `pathBytes` keeps them exactly. */
  displayPath(segments: EvidenceSegments): string;
  /** Facts about the machine the tool runs on and, when the root is not the live system, the evidence system. */
  hostFacts(root: string): Promise<HostFacts>;
  /** Folders the resident watcher follows (catalog glob syntax): where the platform writes and deletes tier-0 evidence. */
  readonly watchRoots?: readonly string[];
  /** Where the watcher keeps its state and upload queue: outside every evidence folder. */
  readonly stateDir?: string;
  /** Where to keep archives when the upload fails: a local disk that is not the evidence disk where one exists (Azure's resource disk). */
  defaultFallbackDir?(root: string): string;
  /** The Run Command / CSE work folder the tool was launched from, if any (from its working directory and environment). */
  ownFootprint?(root: string, cwd: string, env: NodeJS.ProcessEnv): OwnFootprint | null;
  /** Gets a copy of a file that is locked or refused when opened (live Windows event logs); absent = no fallback. */
  readonly lockedFileExporter?: LockedFileExporter;
}
