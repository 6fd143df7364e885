// Maps an installation's relative paths to where they are written: below --system-root, or a live Windows machine's drives.
import path from 'node:path';
import type { RelPath } from './schedule-target.ts';

export type HostPath = (rel: RelPath) => string;

/** `<systemRoot>/<rel>` with the host's separators (a Windows tree keeps its `C/...` layout, like the project's fake VM trees). */
export const treePaths = (systemRoot: string): HostPath => (rel) => path.join(systemRoot, ...rel.split('/'));

/** On a live Windows machine the first segment is the drive: `C/Program Files/x` -> `C:\Program Files\x`. */
export const liveDrivePaths: HostPath = (rel) => {
  const [drive, ...rest] = rel.split('/');
  return `${drive}:\\${rest.join('\\')}`;
};
