// Preserves one plan item: archives a regular file or directory, records links and special files without opening them, and returns its manifest entry.
import { lstat, readlink } from 'node:fs/promises';
import type { ManifestEntry } from '../manifest/types.ts';
import type { ArchiveWriter } from './archive-writer.ts';
import { EvidenceFile, outcomeForOpenError, type OpenedEvidence } from './evidence-file.ts';
import type { ExportedFile, LockedFileExporter } from './locked-file-exporter.ts';
import { allUtf8, archiveMemberName, rawPathBytes } from './evidence-path.ts';
import { MultiHash, type HashAlgorithm } from './multi-hash.ts';
import type { PlanItem } from './plan.ts';
import type { Platform } from './platform.ts';
import { EMPTY_STAT_FACTS, entryType, statFacts } from './stat-facts.ts';

export interface ItemContext {
  platform: Platform;
  root: string;
  archive: ArchiveWriter;
  hashes: readonly HashAlgorithm[];
  includeKeys: boolean;
  /** Called with every chunk of file bytes archived (progress). */
  onBytes?: (n: number) => void;
}

function baseEntry(ctx: ItemContext, item: PlanItem): ManifestEntry {
  const segments = item.kind === 'hit' ? item.segments : [];
  const entry: ManifestEntry = {
    path: item.kind === 'hit' ? ctx.platform.displayPath(segments) : item.glob,
    archivePath: null,
    artifact: item.artifact.id,
    tier: item.artifact.tier,
    glob: item.glob,
    type: 'none',
    outcome: 'missing',
    size: null,
    sha256: null,
    ...EMPTY_STAT_FACTS,
  };
  if (item.kind === 'hit' && !allUtf8(segments)) entry.pathBytes = rawPathBytes(segments);
  return entry;
}

const joinNotes = (notes: readonly (string | undefined)[]): string | undefined => {
  const kept = notes.filter((n): n is string => !!n);
  return kept.length ? kept.join('; ') : undefined;
};

export async function collectItem(ctx: ItemContext, item: PlanItem): Promise<ManifestEntry> {
  const entry = baseEntry(ctx, item);
  if (item.kind === 'missing') {
    entry.note = 'no path matched this catalog glob';
    return entry;
  }
  if (!item.stat) {
    const failure = outcomeForOpenError(item.error ?? Object.assign(new Error('unknown'), { code: 'EUNKNOWN' }));
    return { ...entry, outcome: failure.outcome, note: joinNotes([failure.note, item.note]) };
  }
  if (item.error) {
    // A directory that matched but could not be listed.
    const failure = outcomeForOpenError(item.error);
    return { ...entry, ...statFacts(item.stat), type: entryType(item.stat), outcome: failure.outcome, note: joinNotes([`cannot list directory: ${failure.note}`, item.note]) };
  }

  const stat = item.stat;
  Object.assign(entry, statFacts(stat), { type: entryType(stat) });
  const hostPath = ctx.platform.hostPath(ctx.root, item.segments);
  const memberName = archiveMemberName(item.segments);
  const meta = { mode: Number(stat.mode), uid: Number(stat.uid), gid: Number(stat.gid), mtime: new Date(Number(stat.mtimeMs)) };

  switch (entry.type) {
    case 'symlink': {
      const target = await readlink(hostPath, { encoding: 'buffer' }).catch((err: NodeJS.ErrnoException) => err);
      if (target instanceof Buffer) {
        entry.linkTarget = target.toString('utf8');
        if (!allUtf8([target])) entry.linkTargetBytes = target.toString('base64');
        return { ...entry, outcome: 'symlink-recorded', size: Number(stat.size), note: joinNotes(['symlink: target recorded, never followed', item.note]) };
      }
      const failure = target as NodeJS.ErrnoException;
      return { ...entry, outcome: outcomeForOpenError(failure).outcome, note: `symlink whose target could not be read: ${failure.code}` };
    }
    case 'directory':
      await ctx.archive.addDirectory(memberName, meta);
      return { ...entry, outcome: 'collected', archivePath: `${memberName}/`, size: 0 };
    case 'file':
      return collectRegularFile(ctx, item, entry, hostPath, memberName, meta);
    default:
      return { ...entry, outcome: 'special-skipped', size: Number(stat.size), note: `${entry.type}: recorded, never opened` };
  }
}

async function collectRegularFile(
  ctx: ItemContext, item: Extract<PlanItem, { kind: 'hit' }>, entry: ManifestEntry, hostPath: Buffer, memberName: string,
  meta: { mode: number; uid: number; gid: number; mtime: Date },
): Promise<ManifestEntry> {
  // A watcher hands over files it already captured (held open or read into memory) so a deletion since cannot lose them.
  const file = item.opened ?? await EvidenceFile.open(hostPath, item.stat!);
  if (!('pump' in file)) {
    const failed: ManifestEntry = { ...entry, outcome: file.outcome, change: file.change, note: file.note };
    const exporter = ctx.platform.lockedFileExporter;
    return exporter && (file.outcome === 'locked' || file.outcome === 'denied')
      ? collectExport(ctx, item, failed, exporter, hostPath, memberName, meta)
      : failed;
  }
  try {
    Object.assign(entry, statFacts(file.stat));
    return await archiveOpenFile(ctx, item, entry, file, memberName, { ...meta, mtime: new Date(Number(file.stat.mtimeMs)) }, []);
  } finally {
    await file.close();
  }
}

/**
 * A file that is locked (or refused) when opened: the platform's exporter copies it outside the evidence, the copy is read like
 * evidence (size and hashes are the copy's), the entry keeps the original's listed metadata, and the copy is always deleted.
 */
async function collectExport(
  ctx: ItemContext, item: Extract<PlanItem, { kind: 'hit' }>, failed: ManifestEntry, exporter: LockedFileExporter,
  hostPath: Buffer, memberName: string, meta: { mode: number; uid: number; gid: number; mtime: Date },
): Promise<ManifestEntry> {
  let exported: ExportedFile | null;
  try {
    exported = await exporter.export(item.segments, hostPath);
  } catch (err) {
    return { ...failed, note: joinNotes([failed.note, `export failed: ${(err as Error).message}`]) };
  }
  if (!exported) return failed;
  try {
    const copyPath = Buffer.from(exported.file);
    const listed = await lstat(copyPath, { bigint: true });
    const copy = await EvidenceFile.open(copyPath, listed);
    if (!(copy instanceof EvidenceFile)) return { ...failed, note: joinNotes([failed.note, `the ${exported.method} copy could not be opened: ${copy.note}`]) };
    try {
      return await archiveOpenFile(ctx, item, { ...failed, method: exported.method }, copy, memberName, meta, [failed.note, exported.note]);
    } finally {
      await copy.close();
    }
  } catch (err) {
    return { ...failed, note: joinNotes([failed.note, `reading the ${exported.method} copy failed: ${(err as Error).message}`]) };
  } finally {
    await exported.cleanup().catch(() => undefined);
  }
}

/** Reads an opened file once into the archive (or only the hashes, per the artifact's mode) and completes its entry. */
async function archiveOpenFile(
  ctx: ItemContext, item: Extract<PlanItem, { kind: 'hit' }>, entry: ManifestEntry, file: OpenedEvidence, memberName: string,
  meta: { mode: number; uid: number; gid: number; mtime: Date }, notes: readonly (string | undefined)[],
): Promise<ManifestEntry> {
  entry.size = file.size;
  const hash = new MultiHash(ctx.hashes);
  const archiveBytes = !(item.artifact.mode === 'hash-only' && !ctx.includeKeys)
    && !(item.artifact.mode === 'copy-small' && file.size > (item.artifact.limits?.maxCopyBytes ?? Infinity));
  let result;
  if (archiveBytes) {
    await ctx.archive.addFile(memberName, { ...meta, size: file.size }, async (write) => {
      result = await file.pump(async (chunk) => { await write(chunk); ctx.onBytes?.(chunk.length); }, hash, ctx.archive.pool);
    });
  } else {
    result = await file.pump(() => undefined, hash);
  }
  const r = result!;
  const digests = hash.digest();
  const done: ManifestEntry = { ...entry, ...digests, archivePath: archiveBytes ? memberName : null };
  if (r.bytesRead !== file.size) done.bytesRead = r.bytesRead;
  if (r.sizeAfterRead !== undefined) done.sizeAfterRead = r.sizeAfterRead;
  if (r.change) done.change = r.change;
  done.outcome = r.change && r.change !== 'deleted' ? 'changed-during-read' : 'collected';
  if (!archiveBytes) {
    done.outcome = item.artifact.sensitive ? 'key-not-copied' : 'collected';
    r.notes.push(item.artifact.sensitive ? 'secret key material: hashed, not copied (use --include-keys to copy)' : `larger than ${item.artifact.limits?.maxCopyBytes} bytes: hashed, not copied`);
  }
  done.note = joinNotes([...notes, ...r.notes, item.note]);
  return done;
}
