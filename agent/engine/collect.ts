// The collection engine: plans each tier, preserves its items into one archive, then appends manifest.json, manifest.csv, bodyfile.txt and collection.log.
import type { Writable } from 'node:stream';
import type { VolatilityTier } from '../catalog/types.ts';
import { bodyfile } from '../manifest/bodyfile.ts';
import { manifestCsv } from '../manifest/manifest-csv.ts';
import { LAYOUT_VERSION, PROBLEM_OUTCOMES, type Manifest, type ManifestEntry, type OwnFootprint, type RunFacts, type ToolFacts } from '../manifest/types.ts';
import { ArchiveWriter, type ArchiveDigest, type Compression } from './archive-writer.ts';
import { collectItem } from './collect-item.ts';
import type { CollectionLog } from './collection-log.ts';
import type { HashAlgorithm } from './multi-hash.ts';
import { ALL_TIERS, planCollection, type PlanItem } from './plan.ts';
import type { Platform } from './platform.ts';

export interface Progress {
  files: number;
  bytes: number;
  /** Bytes of regular files listed so far (the current tier is fully listed before it is read). */
  plannedBytes: number;
  path: string;
}

export interface CollectOptions {
  platform: Platform;
  root: string;
  target: Writable;
  compression: Compression;
  /** Compression level (default per codec: DEFAULT_LEVEL). */
  level?: number;
  hashes: readonly HashAlgorithm[];
  includeKeys: boolean;
  tiers?: readonly VolatilityTier[];
  /** Paths already preserved by an earlier archive of the same run (see planCollection). */
  seen?: Set<string>;
  /** Where the archive goes, without any secret. */
  destination: string | null;
  tool: ToolFacts | Promise<ToolFacts>;
  /** IMDS answer, queried in parallel with collection (never before the first preserved byte). */
  vmIdentity?: Promise<unknown>;
  /** Wait for vmIdentity before writing the manifest (the last archive of a run); otherwise record it only if already answered. */
  awaitVmIdentity?: boolean;
  run?: RunFacts;
  /** The collector's own Run Command folder: its entries get a note so analysts do not take them for attacker activity. */
  launchedBy?: OwnFootprint | null;
  log: CollectionLog;
  clock?: () => Date;
  onProgress?: (progress: Progress) => void;
  /** Archive exactly these items instead of planning from the catalog (the watcher's incremental archives). */
  items?: readonly PlanItem[];
  /** Runs after an item is listed and before it is read (tests use it to race the collector). */
  beforeItem?: (item: PlanItem) => Promise<void> | void;
}

export interface CollectResult {
  manifest: Manifest;
  archive: ArchiveDigest;
  /** Entries whose outcome is a problem (see PROBLEM_OUTCOMES). */
  problems: ManifestEntry[];
  files: number;
  bytes: number;
}

async function settledOrPending(value: Promise<unknown>, wait: boolean): Promise<unknown> {
  if (wait) return value.catch((err: Error) => ({ reachable: false, error: err.message }));
  const pending = Symbol('pending');
  const first = await Promise.race([value.catch((err: Error) => ({ reachable: false, error: err.message })), new Promise((r) => setImmediate(() => r(pending)))]);
  return first === pending ? { status: 'pending', note: 'IMDS had not answered when this archive was closed; see the run\'s last archive' } : first;
}

export async function collect(options: CollectOptions): Promise<CollectResult> {
  const clock = options.clock ?? (() => new Date());
  const { platform, root, log } = options;
  const startedAt = clock().toISOString();
  const hostFacts = platform.hostFacts(root);
  hostFacts.catch(() => undefined);
  const archive = new ArchiveWriter(options.target, options.compression, options.level);
  const entries: ManifestEntry[] = [];
  const seen = options.seen ?? new Set<string>();
  const ownFolder = options.launchedBy?.folder ?? null;
  const progress: Progress = { files: 0, bytes: 0, plannedBytes: 0, path: '' };
  const ctx = {
    platform, root, archive, hashes: options.hashes, includeKeys: options.includeKeys,
    onBytes: (n: number) => { progress.bytes += n; options.onProgress?.(progress); },
  };
  log.info(`collection started: os=${platform.os} root=${root} tiers=${(options.tiers ?? ALL_TIERS).join(',')}`);

  try {
    const batches: (readonly VolatilityTier[] | readonly PlanItem[])[] = options.items ? [options.items] : (options.tiers ?? ALL_TIERS).map((t) => [t]);
    for (const batch of batches) {
      const items: PlanItem[] = [];
      if (options.items) items.push(...(batch as readonly PlanItem[]));
      else for await (const item of planCollection(platform, root, batch as readonly VolatilityTier[], seen)) items.push(item);
      for (const item of items) if (item.kind === 'hit' && item.stat?.isFile()) progress.plannedBytes += Number(item.stat.size);
      log.info(options.items ? `${items.length} captured items` : `tier ${String(batch[0])}: ${items.length} plan items`);
      for (const item of items) {
        await options.beforeItem?.(item);
        const entry = await collectItem(ctx, item);
        if (ownFolder && (entry.path === ownFolder || entry.path.startsWith(`${ownFolder}${ownFolder.includes('\\') ? '\\' : '/'}`))) {
          entry.note = [entry.note, `this collection's own ${options.launchedBy!.via} run (${ownFolder}): the collector's bootstrap, not attacker activity`].filter(Boolean).join('; ');
        }
        entries.push(entry);
        if (entry.archivePath && entry.type === 'file') progress.files += 1;
        progress.path = entry.path;
        options.onProgress?.(progress);
        if (entry.outcome !== 'collected' && entry.outcome !== 'missing') log.warn(`${entry.outcome}: ${entry.path}${entry.note ? ` (${entry.note})` : ''}`);
      }
    }

    const counts: Record<string, number> = {};
    for (const e of entries) counts[e.outcome] = (counts[e.outcome] ?? 0) + 1;
    const problems = entries.filter((e) => PROBLEM_OUTCOMES.includes(e.outcome) || (e.outcome === 'changed-during-read' && e.change !== 'grew'));
    const finishedAt = clock().toISOString();
    const manifest: Manifest = {
      layoutVersion: LAYOUT_VERSION,
      tool: await options.tool,
      host: await hostFacts,
      startedAt,
      finishedAt,
      root,
      os: platform.os,
      options: { hashes: ['sha256', ...options.hashes.filter((h) => h !== 'sha256')], compress: options.compression, includeKeys: options.includeKeys },
      destination: options.destination,
      ...(options.run ? { run: options.run } : {}),
      ...(options.launchedBy ? { launchedBy: options.launchedBy } : {}),
      ...(options.vmIdentity ? { vm: await settledOrPending(options.vmIdentity, options.awaitVmIdentity ?? true) } : {}),
      counts,
      entries,
    };
    log.info(`collection finished: ${progress.files} files, ${progress.bytes} bytes, ${problems.length} problems; outcomes ${JSON.stringify(counts)}`);
    const now = clock();
    await archive.addBuffer('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), now);
    await archive.addBuffer('manifest.csv', Buffer.from(manifestCsv(entries, finishedAt)), now);
    await archive.addBuffer('bodyfile.txt', Buffer.from(bodyfile(entries)), now);
    await archive.addBuffer('collection.log', Buffer.from(log.text()), now);
    const digest = await archive.finish();
    return { manifest, archive: digest, problems, files: progress.files, bytes: progress.bytes };
  } catch (err) {
    archive.abort(err as Error);
    throw err;
  }
}
