// The sink interface: where an archive's bytes go. The engine writes to `stream`; the sink commits or aborts.
import type { Writable } from 'node:stream';
import type { ArchiveDigest } from '../engine/archive-writer.ts';

/** The small file listing every archive of a run with its SHA-256, written last. */
export const CHECKSUMS_NAME = 'SHA256SUMS';

export interface SinkReceipt {
  /** Where the committed archive is, without secrets (a path, or a blob URL without query). */
  location: string;
  sha256: string;
  bytes: number;
  /** Extra files written next to the archive (the .sha256 sidecar). */
  extras: string[];
}

export interface SinkTarget {
  /** Destination recorded in the manifest: no query string, no secret. */
  readonly destination: string;
  readonly stream: Writable;
  /** Called once the engine has written every byte; makes the archive final. */
  commit(digest: ArchiveDigest): Promise<SinkReceipt>;
  /** Called when the collection failed part-way; keeps what was written where it can be found, never passes it off as complete. */
  abort(reason: Error): Promise<string | null>;
}

export interface ArchiveSink {
  /** Opens a target for one archive; `name` is the archive's file name (e.g. `tier0.tar.gz`). */
  open(name: string): Promise<SinkTarget>;
}
