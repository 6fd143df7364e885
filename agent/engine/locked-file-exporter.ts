// The locked-file exporter contract: how a platform obtains a copy of a file another process holds open exclusively (Windows event logs).
import type { EvidenceSegments } from './platform.ts';

/** A copy of a locked file, made by the platform outside the evidence; `cleanup` deletes it. */
export interface ExportedFile {
  /** Host path of the copy, read exactly like evidence. */
  readonly file: string;
  /** Recorded in the manifest entry's `method`, e.g. `wevtutil-export`. */
  readonly method: string;
  /** What the copy is and how it differs from the original, for the manifest note. */
  readonly note: string;
  cleanup(): Promise<void>;
}

export interface LockedFileExporter {
  /**
   * Exports the file at `segments` (host path `hostPath`) that could not be opened.
   * Resolves null when this exporter does not apply to the file; rejects when it applies but the export failed.
   */
  export(segments: EvidenceSegments, hostPath: Buffer): Promise<ExportedFile | null>;
}
