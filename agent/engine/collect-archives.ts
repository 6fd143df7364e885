// Runs a collection as a sequence of archives (tier 0 first, committed before the rest is listed), switching to the fallback sink when the primary fails, then writes SHA256SUMS.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { VolatilityTier } from '../catalog/types.ts';
import { CHECKSUMS_NAME, type ArchiveSink, type SinkReceipt, type SinkTarget } from '../sinks/sink.ts';
import { collect, type CollectOptions, type CollectResult } from './collect.ts';

export interface ArchivePart {
  /** File or blob name, e.g. `tier0.tar.gz`. */
  name: string;
  tiers: readonly VolatilityTier[];
}

export interface PartResult {
  part: ArchivePart;
  result: CollectResult;
  receipt: SinkReceipt;
  /** True when this archive went to the fallback sink because the primary failed. */
  fallback: boolean;
  committedAt: string;
}

export interface ArchivesResult {
  parts: PartResult[];
  checksums: SinkReceipt[];
  /** Why the primary sink was abandoned, if it was. */
  primaryFailure: Error | null;
}

export interface CollectArchivesOptions extends Omit<CollectOptions, 'target' | 'tiers' | 'seen' | 'destination'> {
  parts: readonly ArchivePart[];
  primary: ArchiveSink;
  fallback?: ArchiveSink;
  /** Called with each committed archive (e.g. to time the tier-0 commit). */
  onCommitted?: (part: PartResult) => void;
}

async function writeToTarget(target: SinkTarget, text: string): Promise<SinkReceipt> {
  const data = Buffer.from(text);
  target.stream.end(data);
  await once(target.stream, 'finish');
  return target.commit({ sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length });
}

export async function collectArchives(options: CollectArchivesOptions): Promise<ArchivesResult> {
  const { log } = options;
  const seen = new Set<string>();
  const parts: PartResult[] = [];
  let sink = options.primary;
  let onFallback = false;
  let primaryFailure: Error | null = null;

  const runPart = async (part: ArchivePart): Promise<PartResult> => {
    const target = await sink.open(part.name);
    try {
      const run = options.run && {
        ...options.run, archive: part.name,
        previousArchives: parts.map((p) => ({ name: p.part.name, sha256: p.receipt.sha256, location: p.receipt.location, committedAt: p.committedAt })),
      };
      const last = part === options.parts.at(-1);
      const result = await collect({ ...options, run, awaitVmIdentity: last, target: target.stream, tiers: part.tiers, seen, destination: target.destination });
      const receipt = await target.commit(result.archive);
      return { part, result, receipt, fallback: onFallback, committedAt: new Date().toISOString() };
    } catch (err) {
      await target.abort(err as Error).catch(() => null);
      throw err;
    }
  };

  for (const part of options.parts) {
    const seenBefore = [...seen];
    let done: PartResult;
    try {
      done = await runPart(part);
    } catch (err) {
      if (onFallback || !options.fallback) throw err;
      primaryFailure = err as Error;
      log.error(`${part.name}: the primary destination failed (${(err as Error).message}); collecting it again into the fallback destination`);
      seen.clear();
      for (const k of seenBefore) seen.add(k);
      sink = options.fallback;
      onFallback = true;
      done = await runPart(part);
    }
    parts.push(done);
    options.onCommitted?.(done);
  }

  const sums = parts.map((p) => `${p.receipt.sha256}  ${p.part.name}\n`).join('');
  const checksums: SinkReceipt[] = [];
  try {
    checksums.push(await writeToTarget(await sink.open(CHECKSUMS_NAME), sums));
  } catch (err) {
    log.error(`${CHECKSUMS_NAME}: could not be written (${(err as Error).message}); the archives themselves are committed`);
  }
  return { parts, checksums, primaryFailure };
}
