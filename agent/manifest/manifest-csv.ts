// manifest.csv: one row per manifest entry, KAPE copy-log-like columns, RFC 4180 quoting.
import type { ManifestEntry } from './types.ts';

const COLUMNS = [
  'CopiedTimestamp', 'SourceFile', 'DestinationFile', 'FileSize', 'SourceFileSha256', 'SourceFileMd5', 'SourceFileSha1',
  'Outcome', 'Change', 'Artifact', 'Tier', 'Type', 'CreatedOnUtc', 'ModifiedOnUtc', 'LastAccessedOnUtc', 'ChangedOnUtc',
  'Mode', 'Uid', 'Gid', 'LinkTarget', 'Note',
] as const;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  // Leading = + - @ would be formulas in a spreadsheet: prefix with a quote so evidence text never executes.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function manifestCsv(entries: readonly ManifestEntry[], copiedAt: string): string {
  const rows = entries.map((e) => [
    copiedAt, e.path, e.archivePath, e.size, e.sha256, e.md5, e.sha1, e.outcome, e.change, e.artifact, e.tier, e.type,
    e.birthtime, e.mtime, e.atime, e.ctime, e.mode, e.uid, e.gid, e.linkTarget, e.note,
  ].map(cell).join(','));
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
