// `collect`: preserve the catalog's evidence into an archive; prints one JSON summary line and returns the exit code.
import type { Argv } from 'yargs';
import { COMPRESSIONS, type Compression } from '../../engine/archive-writer.ts';
import { collect } from '../../engine/collect.ts';
import { CollectionLog } from '../../engine/collection-log.ts';
import type { HashAlgorithm } from '../../engine/multi-hash.ts';
import { assertOutputOutsideEvidence } from '../../engine/output-guard.ts';
import { UsageError } from '../../errors.ts';
import { FileSink } from '../../sinks/file-sink.ts';
import { toolFacts } from '../../tool-facts.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { checkedRoot, rootOption } from '../common-options.ts';
import { terminalProgress } from '../progress.ts';
import { selectPlatform, type OsChoice } from '../select-platform.ts';
import { summaryLine } from '../summary.ts';

export interface CollectArgs {
  root: string;
  os: OsChoice;
  output?: string;
  hash: string[];
  compress: Compression;
  includeKeys: boolean;
  verbose: boolean;
}

export const collectBuilder = (y: Argv) => y
  .options({
    ...rootOption,
    output: { type: 'string', alias: 'o', nargs: 1, describe: 'Archive file to create (never overwritten), or - for stdout' },
    hash: { type: 'string', array: true, default: [] as string[], describe: 'Extra hashes besides SHA-256: md5, sha1 (comma-separated or repeated)' },
    compress: { type: 'string', choices: COMPRESSIONS as Compression[], default: 'gzip' as Compression, describe: 'Archive compression' },
    'include-keys': { type: 'boolean', default: false, describe: "Also copy the agent's private keys (*.prv, Certificates.pem); by default they are only hashed" },
    verbose: { type: 'boolean', default: false, describe: 'Echo the collection log to stderr' },
  })
  .example('$0 collect --output /mnt/resource/evidence.tar.gz', 'Collect the live VM')
  .example('$0 collect --root /mnt/snapshot --os linux --output case42.tar.gz --hash md5,sha1', 'Collect a mounted disk, with MD5 and SHA-1 too')
  .example('$0 collect --output - | ssh analyst@host "cat > vm1.tar.gz"', 'Stream the archive out; the summary goes to stderr');

export function parseHashes(values: readonly string[]): HashAlgorithm[] {
  const out = new Set<HashAlgorithm>();
  for (const v of values.flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (v !== 'md5' && v !== 'sha1' && v !== 'sha256') throw new UsageError(`--hash ${v} is not supported`, 'use md5, sha1 or sha256');
    out.add(v);
  }
  return [...out];
}

export async function runCollect(args: CollectArgs, io: CliIo): Promise<number> {
  const started = Date.now();
  if (!args.output) throw new UsageError('collect needs --output FILE (or - for stdout)', 'e.g. --output /mnt/resource/evidence.tar.gz');
  const hashes = parseHashes(args.hash);
  const root = checkedRoot(args.root);
  const platform = selectPlatform(args.os, root);
  assertOutputOutsideEvidence(args.output, platform, root);
  const summaryStream = args.output === '-' ? io.stderr : io.stdout;

  const target = await new FileSink(args.output).open();
  const log = new CollectionLog(args.verbose ? (line) => io.stderr.write(`${line}\n`) : undefined);
  let result;
  try {
    result = await collect({
      platform, root, target: target.stream, compression: args.compress, hashes, includeKeys: args.includeKeys,
      destination: target.destination, tool: toolFacts(), log,
      onProgress: args.output === '-' ? undefined : terminalProgress(io.stderr as NodeJS.WriteStream),
    });
  } catch (err) {
    const kept = await target.abort(err as Error);
    summaryStream.write(summaryLine({ status: 'failed', error: (err as Error).message, partialArchive: kept, duration: (Date.now() - started) / 1000 }) + '\n');
    return EXIT.failed;
  }
  if ((io.stderr as NodeJS.WriteStream).isTTY && args.output !== '-') io.stderr.write('\n');
  const receipt = await target.commit(result.archive);
  const status = result.problems.length > 0 ? 'partial' : 'ok';
  summaryStream.write(summaryLine({
    status,
    archive: receipt.location,
    sha256: receipt.sha256,
    archiveBytes: receipt.bytes,
    files: result.files,
    bytes: result.bytes,
    entries: result.manifest.entries.length,
    outcomes: result.manifest.counts,
    duration: (Date.now() - started) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    problems: result.problems.map((p) => `${p.outcome}${p.change ? `(${p.change})` : ''}: ${p.path}`),
  }) + '\n');
  return status === 'ok' ? EXIT.ok : EXIT.partial;
}
