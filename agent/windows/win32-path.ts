// Win32 path bytes for evidence: live drive paths built from segments, and the \\?\ prefix that lifts MAX_PATH and stops Win32 from rewriting names.
const BACKSLASH = Buffer.from('\\');
const EXTENDED = Buffer.from('\\\\?\\');
const EXTENDED_UNC = Buffer.from('\\\\?\\UNC\\');
/** Longest path Win32 accepts without `\\?\` (MAX_PATH 260 less the terminating NUL). */
export const MAX_PATH_CHARS = 259;
/** Names Win32 alters or treats as devices unless the path is `\\?\`: trailing dot or space, CON, NUL, COM1.txt, ... */
const ALTERED_NAME = /[. ]$|^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

function joinBackslash(parts: readonly Buffer[]): Buffer {
  const out: Buffer[] = [];
  parts.forEach((p, i) => { if (i > 0) out.push(BACKSLASH); out.push(p); });
  return Buffer.concat(out);
}

/** `C:\` plus the remaining segments joined with `\`; the first segment is the drive letter. */
export function drivePath(segments: readonly Buffer[]): Buffer {
  const [drive, ...rest] = segments;
  if (!drive) throw new Error('a live Windows path needs a drive letter as its first segment');
  return Buffer.concat([drive, Buffer.from(':\\'), joinBackslash(rest)]);
}

/**
 * Prefixes an absolute path (`C:\...` or `\\server\share\...`) with `\\?\` when it is longer than MAX_PATH or one of
 * `names` would be altered by Win32 normalisation; other paths are returned unchanged.
 */
export function extendedLengthPath(p: Buffer, names: readonly Buffer[]): Buffer {
  const text = p.toString('utf8');
  if (text.startsWith('\\\\?\\')) return p;
  const needed = text.length > MAX_PATH_CHARS || names.some((n) => ALTERED_NAME.test(n.toString('utf8')));
  if (!needed) return p;
  if (/^[A-Za-z]:\\/.test(text)) return Buffer.concat([EXTENDED, p]);
  if (text.startsWith('\\\\')) return Buffer.concat([EXTENDED_UNC, p.subarray(2)]);
  return p;
}
