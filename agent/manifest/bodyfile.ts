// bodyfile.txt: Sleuth Kit 3.x body format (MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|crtime), readable by mactime.
import type { ManifestEntry } from './types.ts';

const TYPE_CHAR: Record<string, string> = {
  file: 'r', directory: 'd', symlink: 'l', fifo: 'p', socket: 's', 'character-device': 'c', 'block-device': 'b',
};

function modeString(entry: ManifestEntry): string {
  const t = TYPE_CHAR[entry.type] ?? '-';
  const perms = entry.mode ? parseInt(entry.mode, 8) & 0o777 : 0;
  const rwx = [6, 3, 0].map((shift) => {
    const bits = (perms >> shift) & 7;
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  }).join('');
  return `${t}/${t}${rwx}`;
}

const epoch = (iso: string | null): string => (iso ? String(Math.floor(Date.parse(iso) / 1000)) : '0');

export function bodyfile(entries: readonly ManifestEntry[]): string {
  return entries
    .filter((e) => e.type !== 'none' && e.mode !== null)
    .map((e) => {
      const name = (e.type === 'symlink' && e.linkTarget !== undefined ? `${e.path} -> ${e.linkTarget}` : e.path).replace(/[|\n\r]/g, '?');
      return [e.md5 ?? '0', name, e.inode ?? '0', modeString(e), e.uid ?? 0, e.gid ?? 0, e.size ?? 0,
        epoch(e.atime), epoch(e.mtime), epoch(e.ctime), epoch(e.birthtime)].join('|');
    })
    .join('\n') + '\n';
}
