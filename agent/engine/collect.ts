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

/** The items to preserve, one batch per tier (each listed only when its turn comes), or the watcher's captured items as one batch. */
async function* batchesOf(options: CollectOptions, seen: Set<string>): AsyncGenerator<{ label: string; items: PlanItem[] }> {
  if (options.items) {
    yield { label: 'captured', items: [...options.items] };
    return;
  }
  for (const tier of options.tiers ?? ALL_TIERS) {
    const items: PlanItem[] = [];
    for await (const item of planCollection(options.platform, options.root, [tier], seen)) items.push(item);
    yield { label: `tier ${tier}`, items };
  }
}

/** Notes entries inside the collector's own Run Command folder, so analysts do not take them for attacker activity. */
function markOwnFootprint(entry: ManifestEntry, launchedBy: OwnFootprint | null | undefined): ManifestEntry {
  const folder = launchedBy?.folder;
  if (!folder) return entry;
  const separator = folder.includes('\\') ? '\\' : '/';
  if (entry.path === folder || entry.path.startsWith(`${folder}${separator}`)) {
    entry.note = [entry.note, `this collection's own ${launchedBy.via} run (${folder}): the collector's bootstrap, not attacker activity`].filter(Boolean).join('; ');
  }
  return entry;
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
  const progress: Progress = { files: 0, bytes: 0, plannedBytes: 0, path: '' };
  const ctx = {
    platform, root, archive, hashes: options.hashes, includeKeys: options.includeKeys,
    onBytes: (n: number) => { progress.bytes += n; options.onProgress?.(progress); },
  };
  log.info(`collection started: os=${platform.os} root=${root} tiers=${(options.tiers ?? ALL_TIERS).join(',')}`);

  try {
    for await (const batch of batchesOf(options, seen)) {
      for (const item of batch.items) if (item.kind === 'hit' && item.stat?.isFile()) progress.plannedBytes += Number(item.stat.size);
      log.info(`${batch.label}: ${batch.items.length} plan items`);
      for (const item of batch.items) {
        await options.beforeItem?.(item);
        const entry = markOwnFootprint(await collectItem(ctx, item), options.launchedBy);
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
