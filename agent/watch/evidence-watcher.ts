// The resident watcher: follows the extension folders with a watch per directory plus a periodic rescan, captures every new or changed tier-0 file the moment it is seen, and preserves each batch as a small incremental archive.
import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import type { Compression } from '../engine/archive-writer.ts';
import { collect } from '../engine/collect.ts';
import type { CollectionLog } from '../engine/collection-log.ts';
import type { OpenedEvidence } from '../engine/evidence-file.ts';
import { EvidenceSnapshot } from '../engine/evidence-snapshot.ts';
import { pathKey, planCollection, type PlanItem } from '../engine/plan.ts';
import type { EvidenceSegments, Platform } from '../engine/platform.ts';
import type { ToolFacts } from '../manifest/types.ts';
import type { ArchiveSink, SinkReceipt } from '../sinks/sink.ts';
import type { StateStore } from './state-store.ts';
import { tier0Matcher, type Tier0Match } from './tier0-matcher.ts';
import { TreeWatcher } from './tree-watcher.ts';

export interface WatcherOptions {
  platform: Platform;
  root: string;
  /** Where each incremental archive goes; `fallback` takes it when `sink` fails. */
  sink: ArchiveSink;
  fallback?: ArchiveSink;
  state: StateStore;
  log: CollectionLog;
  tool: ToolFacts | Promise<ToolFacts>;
  compression: Compression;
  /** Full tier-0 rescan period: events can be lost or overflow. */
  rescanMs: number;
  /** Quiet time before a batch is archived. */
  settleMs: number;
  /** Longest a capture waits before it is archived, however busy the folder (default 2 s). */
  maxBatchAgeMs?: number;
  /** Files up to this size are read into memory when seen; larger ones are held open. */
  maxSnapshotBytes?: number;
  /** A batch holding this many captured bytes is archived at once. */
  maxBatchBytes?: number;
  /** Captures kept in memory while every destination fails; beyond this a failing batch is dropped and logged. */
  maxPendingBytes?: number;
  /** Hears every committed archive. */
  onArchive?: (receipt: SinkReceipt, files: number, fallback: boolean) => void;
  /** Runs on every rescan (the upload queue's retry). */
  onRescan?: () => Promise<void>;
}

interface Captured { match: Tier0Match; segments: EvidenceSegments; stat: BigIntStats; evidence: OpenedEvidence; sha256: string; key: string }

export interface WatcherStats { events: number; rescans: number; captured: number; duplicates: number; archives: number; files: number; failures: number }

const MAX_LAST_SEEN = 200_000;

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('.', '');

export class EvidenceWatcher {
  private readonly o: WatcherOptions;
  private readonly isTier0: ReturnType<typeof tier0Matcher>;
  private readonly watchers = new Map<string, TreeWatcher>();
  private readonly pending = new Map<string, Captured>();
  private pendingBytes = 0;
  private settleTimer: NodeJS.Timeout | null = null;
  private firstPendingAt: number | null = null;
  private rescanning: Promise<void> | null = null;
  private rescanAgain = false;
  /** Last captured version of each path (inode, size, mtime, ctime), bounded like the state. */
  private readonly lastSeen = new Map<string, string>();
  private rescanTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private captures = new Set<Promise<void>>();
  private stopped = false;
  private sequence = 0;
  readonly stats: WatcherStats = { events: 0, rescans: 0, captured: 0, duplicates: 0, archives: 0, files: 0, failures: 0 };

  constructor(options: WatcherOptions) {
    this.o = options;
    this.isTier0 = tier0Matcher(options.platform);
  }

  async start(): Promise<void> {
    this.attachWatchers();
    await this.rescan();
    this.rescanTimer = setInterval(() => { void this.rescan(); }, this.o.rescanMs);
  }

  /** Stops listening, archives what is pending and waits for it; the state is saved. */
  async stop(): Promise<WatcherStats> {
    this.stopped = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await Promise.allSettled([...this.captures]);
    await this.flush();
    await this.o.state.save();
    return this.stats;
  }

  /** Watches each watch root that exists; roots that appear later are picked up at the next rescan. */
  private attachWatchers(): void {
    for (const glob of this.o.platform.watchRoots ?? []) {
      const segments = this.o.platform.globSegments(glob).map((s) => Buffer.from(s));
      const host = this.o.platform.hostPath(this.o.root, segments).toString();
      if (this.watchers.has(host) || !existsSync(host)) continue;
      const tree = new TreeWatcher(host, {
        onChange: (rel) => {
          this.stats.events += 1;
          this.track(this.consider([...segments, ...rel.map((r) => Buffer.from(r))]));
        },
        onTrouble: (message) => {
          this.o.log.warn(`${message}; rescanning`);
          void this.rescan();
        },
      });
      this.watchers.set(host, tree);
      this.track(tree.start().then(() => this.o.log.info(`watching ${host} (${tree.directories} directories)`)));
    }
  }

  private track(p: Promise<void>): void {
    this.captures.add(p);
    void p.finally(() => this.captures.delete(p));
  }

  /** A path changed: capture it now if it is tier-0 evidence (directories are walked by the tree watcher itself). */
  private async consider(segments: EvidenceSegments): Promise<void> {
    if (this.stopped) return;
    let stat: BigIntStats;
    try {
      stat = await lstat(this.o.platform.hostPath(this.o.root, segments), { bigint: true });
    } catch {
      return; // gone already: its earlier versions were captured when they appeared
    }
    if (!stat.isFile()) return;
    const match = this.isTier0(segments);
    if (match) await this.capture(match, segments, stat);
  }

  private async capture(match: Tier0Match, segments: EvidenceSegments, stat: BigIntStats): Promise<void> {
    const key0 = pathKey(segments);
    // Unchanged since its last capture (same inode, size, mtime, ctime): nothing to read. Keeps rescans cheap.
    const signature = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    if (this.lastSeen.get(key0) === signature) { this.stats.duplicates += 1; return; }
    this.lastSeen.delete(key0);
    this.lastSeen.set(key0, signature);
    if (this.lastSeen.size > MAX_LAST_SEEN) this.lastSeen.delete(this.lastSeen.keys().next().value!);
    const hostPath = this.o.platform.hostPath(this.o.root, segments);
    const got = await EvidenceSnapshot.capture(hostPath, stat, this.o.maxSnapshotBytes ?? 16 * 1024 * 1024);
    if (!('evidence' in got)) return;
    const key = pathKey(segments);
    if (this.o.state.has(key, got.sha256) || this.pending.has(`${key}\n${got.sha256}`)) {
      this.stats.duplicates += 1;
      await got.evidence.close();
      return;
    }
    this.stats.captured += 1;
    this.pending.set(`${key}\n${got.sha256}`, { match, segments, stat, evidence: got.evidence, sha256: got.sha256, key });
    this.pendingBytes += got.evidence.size;
    if (this.pendingBytes >= (this.o.maxBatchBytes ?? 64 * 1024 * 1024)) void this.flush();
    else this.scheduleFlush();
  }

  /** Archives after `settleMs` of quiet, but never holds a capture longer than `maxBatchAgeMs` (a busy folder is never quiet). */
  private scheduleFlush(): void {
    const now = Date.now();
    this.firstPendingAt ??= now;
    const left = this.firstPendingAt + (this.o.maxBatchAgeMs ?? 2000) - now;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => { void this.flush(); }, Math.max(0, Math.min(this.o.settleMs, left)));
  }

  /** Every tier-0 path the catalog finds now: the backstop for lost events and directories created before their watch. Requests during a rescan coalesce into one more. */
  rescan(): Promise<void> {
    if (this.rescanning) { this.rescanAgain = true; return this.rescanning; }
    this.rescanning = (async () => {
      do { this.rescanAgain = false; await this.rescanOnce(); } while (this.rescanAgain && !this.stopped);
    })().finally(() => { this.rescanning = null; });
    return this.rescanning;
  }

  private async rescanOnce(): Promise<void> {
    if (this.stopped) return;
    this.stats.rescans += 1;
    this.attachWatchers();
    const work: Promise<void>[] = [];
    try {
      for await (const item of planCollection(this.o.platform, this.o.root, [0])) {
        if (item.kind === 'hit' && item.stat?.isFile()) work.push(this.capture({ artifact: item.artifact, glob: item.glob }, item.segments, item.stat));
      }
    } catch (err) {
      this.o.log.warn(`rescan failed: ${(err as Error).message}`);
    }
    const all = Promise.all(work).then(() => undefined);
    this.track(all);
    await all;
    await this.o.onRescan?.().catch((err: Error) => this.o.log.warn(`upload queue: ${err.message}`));
  }

  /** Archives what is pending as one incremental archive (serialised: one flush at a time). */
  flush(): Promise<void> {
    if (this.settleTimer) { clearTimeout(this.settleTimer); this.settleTimer = null; }
    this.flushing = this.flushing.then(() => this.flushNow(), () => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (this.pending.size === 0) return;
    // One version per path per archive (a member name appears once); later versions of a path wait for the next archive.
    const batch: Captured[] = [];
    const paths = new Set<string>();
    for (const [id, c] of this.pending) {
      if (paths.has(c.key)) continue;
      paths.add(c.key);
      batch.push(c);
      this.pending.delete(id);
      this.pendingBytes -= c.evidence.size;
    }
    this.firstPendingAt = null;
    if (this.pending.size > 0) this.scheduleFlush();
    const items: PlanItem[] = batch.map((c) => ({ kind: 'hit', artifact: c.match.artifact, glob: c.match.glob, segments: c.segments, stat: c.stat, opened: c.evidence }));
    let keep = false;
    const name = `watch-${stamp()}-${String(++this.sequence).padStart(5, '0')}${this.o.compression === 'zstd' ? '.tar.zst' : this.o.compression === 'none' ? '.tar' : '.tar.gz'}`;
    try {
      const sinks: [ArchiveSink, boolean][] = [[this.o.sink, false], ...(this.o.fallback ? [[this.o.fallback, true] as [ArchiveSink, boolean]] : [])];
      for (const [sink, isFallback] of sinks) {
        const target = await sink.open(name);
        try {
          const result = await collect({
            platform: this.o.platform, root: this.o.root, target: target.stream, compression: this.o.compression, hashes: [],
            includeKeys: false, destination: target.destination, tool: this.o.tool, log: this.o.log, items,
          });
          const receipt = await target.commit(result.archive);
          for (const c of batch) this.o.state.add(c.key, c.sha256);
          await this.o.state.save();
          this.stats.archives += 1;
          this.stats.files += batch.length;
          this.o.onArchive?.(receipt, batch.length, isFallback);
          return;
        } catch (err) {
          await target.abort(err as Error).catch(() => null);
          this.o.log.error(`${name}: ${isFallback ? 'fallback' : 'destination'} failed: ${(err as Error).message}`);
        }
      }
      this.stats.failures += 1;
      const batchBytes = batch.reduce((n, c) => n + c.evidence.size, 0);
      if (this.pendingBytes + batchBytes > (this.o.maxPendingBytes ?? 256 * 1024 * 1024)) {
        this.o.log.error(`${name}: every destination failed and the in-memory backlog is full: ${batch.length} captures dropped (${batch.map((c) => this.o.platform.displayPath(c.segments)).join(', ').slice(0, 2000)})`);
        return;
      }
      // Keep the captures for the next flush rather than lose them.
      keep = true;
      for (const c of batch) if (!this.pending.has(`${c.key}\n${c.sha256}`)) { this.pending.set(`${c.key}\n${c.sha256}`, c); this.pendingBytes += c.evidence.size; }
    } finally {
      if (!keep) for (const c of batch) await c.evidence.close();
    }
  }
}
