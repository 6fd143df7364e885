// Names for an evidence path: the archive member name (`fs/...`) and the exact raw bytes when a name is not valid UTF-8.
import type { EvidenceSegments } from './platform.ts';

const isUtf8 = (b: Buffer): boolean => Buffer.from(b.toString('utf8'), 'utf8').equals(b);

/** Percent-encodes bytes outside printable ASCII, and `%` itself, for a segment that is not valid UTF-8. */
function escapeSegment(segment: Buffer): string {
  let out = '';
  for (const byte of segment) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export const allUtf8 = (segments: EvidenceSegments): boolean => segments.every(isUtf8);

/** `fs/<segments joined by />`; a segment that is not valid UTF-8 is percent-escaped (manifest `pathBytes` has the exact bytes). */
export function archiveMemberName(segments: EvidenceSegments): string {
  return 'fs/' + segments.map((s) => (isUtf8(s) ? s.toString('utf8') : escapeSegment(s))).join('/');
}

/** Base64 of the root-relative segments joined by `/`: the exact name bytes, for paths that are not valid UTF-8. */
export function rawPathBytes(segments: EvidenceSegments): string {
  const parts: Buffer[] = [];
  segments.forEach((s, i) => { if (i > 0) parts.push(Buffer.from('/')); parts.push(s); });
  return Buffer.concat(parts).toString('base64');
}
