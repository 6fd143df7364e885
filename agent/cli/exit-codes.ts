// Exit codes, the one place they are defined (documented in the README).
export const EXIT = {
  /** Every path the catalog asked for has an outcome and every readable file is preserved. */
  ok: 0,
  /** Nothing usable was preserved (or verify found the archive wrong). */
  failed: 1,
  /** The command line is wrong; nothing was read or written. */
  usage: 2,
  /** The archive is complete and verified, but some evidence could not be read (denied, vanished, locked, error, shrank/replaced). */
  partial: 3,
  /** The upload failed after retries; the evidence was preserved in the local fallback directory instead. */
  preservedLocally: 4,
} as const;

export type ExitStatus = 'ok' | 'partial' | 'failed' | 'preserved-locally';
