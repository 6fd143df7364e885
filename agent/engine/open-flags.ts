// Flags for opening evidence: read-only, never through a symlink, never blocking on a FIFO, without touching atime where the OS allows.
import { constants } from 'node:fs';

const optional = (flag: number | undefined): number => flag ?? 0;

/** O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOATIME, each where the OS has it. */
export const EVIDENCE_OPEN_FLAGS =
  constants.O_RDONLY | optional(constants.O_NOFOLLOW) | optional(constants.O_NONBLOCK) | optional(constants.O_NOATIME);

/** The same without O_NOATIME: the kernel refuses O_NOATIME (EPERM) on files the caller does not own unless it has CAP_FOWNER. */
export const EVIDENCE_OPEN_FLAGS_WITH_ATIME = EVIDENCE_OPEN_FLAGS & ~optional(constants.O_NOATIME);

export const HAS_NOATIME = constants.O_NOATIME !== undefined;
