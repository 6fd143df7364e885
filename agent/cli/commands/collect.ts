// `collect`: preserve the catalog's evidence to a file, a directory or an Azure container; prints one JSON summary line and returns the exit code.
import os from 'node:os';
import path from 'node:path';
import type { Argv } from 'yargs';
import { archiveExtension, COMPRESSIONS, type Compression } from '../../engine/archive-writer.ts';
import { collect } from '../../engine/collect.ts';
import { collectArchives, type ArchivePart } from '../../engine/collect-archives.ts';
import { CollectionLog } from '../../engine/collection-log.ts';
import type { HashAlgorithm } from '../../engine/multi-hash.ts';
import { assertOutputOutsideEvidence } from '../../engine/output-guard.ts';
import type { Platform } from '../../engine/platform.ts';
import type { ManifestEntry, OwnFootprint } from '../../manifest/types.ts';
import { UsageError } from '../../errors.ts';
import { ImdsClient, type ImdsResult } from '../../imds/imds-client.ts';
import { DirectorySink } from '../../sinks/directory-sink.ts';
import { FileSink } from '../../sinks/file-sink.ts';
import type { ArchiveSink } from '../../sinks/sink.ts';
import { runFolder } from '../../sinks/azure/run-folder.ts';
import { toolFacts, TOOL_VERSION } from '../../tool-facts.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { checkedRoot, rootOption } from '../common-options.ts';
import { terminalProgress } from '../progress.ts';
import { resolveEvidenceRoot, selectPlatform, type OsChoice } from '../select-platform.ts';
import { summaryLine } from '../summary.ts';
import { containerOptions } from '../container-options.ts';

export interface CollectArgs {
  root: string;
  os: OsChoice;
  output?: string;
  outputDir?: string;
  containerUrl?: string;
  sasEnv: string;
  sasFile?: string;
  sasStdin: boolean;
  managedIdentity?: string | boolean;
  connectionStringEnv?: string;
  prefix: string;
  fallbackDir?: string;
  blockSizeMib: number;
  concurrency: number;
  uploadRetries: number;
  uploadAttemptTimeout: number;
  imds: boolean;
  imdsEndpoint: string;
  hash: string[];
  compress: Compression;
  level?: number;
  includeKeys: boolean;
  verbose: boolean;
}

export const collectBuilder = (y: Argv) => y
  .options({
    ...rootOption,
    output: { type: 'string', alias: 'o', nargs: 1, describe: 'One archive file to create (never overwritten), or - for stdout', group: 'Destination (choose one):' },
    'output-dir': { type: 'string', nargs: 1, describe: 'Directory for tiered archives (tier0 first) and SHA256SUMS', group: 'Destination (choose one):' },
    ...containerOptions,
    imds: { type: 'boolean', default: true, describe: 'Record the VM identity and attested document from IMDS (--no-imds to skip)' },
    hash: { type: 'string', array: true, default: [] as string[], describe: 'Extra hashes besides SHA-256: md5, sha1 (comma-separated or repeated)' },
    compress: { type: 'string', choices: COMPRESSIONS as Compression[], default: 'gzip' as Compression, describe: 'Archive compression: gzip (.tar.gz), zstd (.tar.zst) or none (.tar); compressed on every core' },
    level: { type: 'number', describe: 'Compression level (default gzip 1, zstd 1: measured fastest for the size, see README)' },
    'include-keys': { type: 'boolean', default: false, describe: "Also copy the agent's private keys (*.prv, Certificates.pem); by default they are only hashed" },
    verbose: { type: 'boolean', default: false, describe: 'Echo the collection log to stderr' },
  })
  .example('CSE_PRESERVE_SAS="$SAS" $0 collect --container-url https://acct.blob.core.windows.net/evidence', 'Collect the live VM straight into a container (SAS from the environment)')
  .example('$0 collect --container-url https://acct.blob.core.windows.net/evidence --managed-identity', "Use the VM's managed identity instead of a SAS")
  .example('$0 collect --output /mnt/resource/evidence.tar.gz', 'Collect the live VM into one local archive')
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

function tierParts(compression: Compression): ArchivePart[] {
  const ext = archiveExtension(compression);
  return [{ name: `tier0${ext}`, tiers: [0] }, { name: `tier1-2${ext}`, tiers: [1, 2] }];
}

export interface Common {
  platform: Platform; root: string; hashes: HashAlgorithm[]; log: CollectionLog; io: CliIo; args: CollectArgs; started: number;
  /** This run's id and folder name (`<prefix>/<host>/<time>-<id>` for a container, `<host>/<time>-<id>` for a directory). */
  runId: string;
  vmIdentity?: Promise<ImdsResult>;
  launchedBy: OwnFootprint | null;
}

export async function runCollect(args: CollectArgs, io: CliIo): Promise<number> {
  const started = Date.now();
  const destinations = [args.output, args.outputDir, args.containerUrl].filter((d) => d !== undefined);
  if (destinations.length !== 1) throw new UsageError('give exactly one destination: --output FILE, --output-dir DIR or --container-url URL', 'e.g. --container-url https://acct.blob.core.windows.net/evidence');
  const hashes = parseHashes(args.hash);
  const checked = checkedRoot(args.root);
  const platform = selectPlatform(args.os, checked);
  const root = resolveEvidenceRoot(platform, checked);
  const log = new CollectionLog(args.verbose ? (line) => io.stderr.write(`${line}\n`) : undefined);
  const { runId } = runFolder('', os.hostname(), new Date(started));
  const launchedBy = platform.ownFootprint?.(root, process.cwd(), process.env) ?? null;
  const common: Common = { platform, root, hashes, log, io, args, started, runId, launchedBy };
  if (launchedBy) log.info(`launched by ${launchedBy.via}${launchedBy.folder ? ` from ${launchedBy.folder}` : ''}: that folder is this collection's own footprint`);
  if (args.imds && args.output === undefined) {
    const imds = new ImdsClient(args.imdsEndpoint);
    common.vmIdentity = new Promise<ImdsResult>((resolve) => setImmediate(() => resolve(imds.vmIdentity())));
  }
  if (args.output !== undefined) return collectToFile(common, args.output);
  if (args.outputDir !== undefined) {
    assertOutputOutsideEvidence(args.outputDir, platform, root);
    const { folder } = runFolder('', os.hostname(), new Date(started), runId);
    const dir = path.join(args.outputDir, folder);
    return collectTiered(common, new DirectorySink(dir), undefined, path.resolve(dir));
  }
  const { openContainer } = await import('./open-container.ts');
  const container = await openContainer(args, common);
  return collectTiered(common, container.sink, container.fallback, container.url, container.extras);
}

async function collectToFile(c: Common, output: string): Promise<number> {
  assertOutputOutsideEvidence(output, c.platform, c.root);
  const summaryStream = output === '-' ? c.io.stderr : c.io.stdout;
  const target = await new FileSink(output).open();
  let result;
  try {
    result = await collect({
      ...engineOptions(c), target: target.stream, destination: target.destination,
      onProgress: output === '-' ? undefined : terminalProgress(c.io.stderr as NodeJS.WriteStream),
    });
  } catch (err) {
    const kept = await target.abort(err as Error);
    summaryStream.write(summaryLine({ status: 'failed', error: (err as Error).message, partialArchive: kept, duration: (Date.now() - c.started) / 1000 }) + '\n');
    return EXIT.failed;
  }
  endProgressLine(c);
  const receipt = await target.commit(result.archive);
  const status = result.problems.length > 0 ? 'partial' : 'ok';
  summaryStream.write(summaryLine({
    status, archive: receipt.location, sha256: receipt.sha256, archiveBytes: receipt.bytes,
    files: result.files, bytes: result.bytes, entries: result.manifest.entries.length, outcomes: result.manifest.counts,
    ...closingFacts(c, result.problems),
  }) + '\n');
  return status === 'ok' ? EXIT.ok : EXIT.partial;
}

/** The collection options every destination shares. */
function engineOptions(c: Common) {
  return {
    platform: c.platform, root: c.root, compression: c.args.compress, level: c.args.level, hashes: c.hashes,
    includeKeys: c.args.includeKeys, tool: toolFacts(), log: c.log, launchedBy: c.launchedBy,
  };
}

/** What every summary ends with: time, memory, and one short line per problem. */
function closingFacts(c: Common, problems: readonly ManifestEntry[]) {
  return {
    duration: (Date.now() - c.started) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    problems: problems.map((p) => `${p.outcome}${p.change ? `(${p.change})` : ''}: ${p.path}`),
  };
}

function endProgressLine(c: Common): void {
  if ((c.io.stderr as NodeJS.WriteStream).isTTY) c.io.stderr.write('\n');
}

async function collectTiered(c: Common, primary: ArchiveSink, fallback: ArchiveSink | undefined, destination: string, extras: Record<string, unknown> = {}): Promise<number> {
  let tier0CommittedMs: number | null = null;
  let result;
  try {
    result = await collectArchives({
      ...engineOptions(c), vmIdentity: c.vmIdentity,
      run: { id: c.runId, archive: '', previousArchives: [] },
      parts: tierParts(c.args.compress), primary, fallback,
      onProgress: terminalProgress(c.io.stderr as NodeJS.WriteStream),
      onCommitted: (p) => { if (p.part.tiers.includes(0)) tier0CommittedMs = Math.round(process.uptime() * 1000); },
    });
  } catch (err) {
    c.io.stdout.write(summaryLine({ status: 'failed', error: (err as Error).message, destination, duration: (Date.now() - c.started) / 1000 }) + '\n');
    return EXIT.failed;
  }
  endProgressLine(c);
  const problems = result.parts.flatMap((p) => p.result.problems);
  const fellBack = result.parts.some((p) => p.fallback);
  const status = fellBack ? 'preserved-locally' : problems.length > 0 ? 'partial' : 'ok';
  c.io.stdout.write(summaryLine({
    status,
    destination,
    runId: c.runId,
    ...(c.launchedBy ? { launchedBy: c.launchedBy } : {}),
    ...extras,
    archives: result.parts.map((p) => ({ name: p.part.name, location: p.receipt.location, sha256: p.receipt.sha256, bytes: p.receipt.bytes, ...('readback' in p.receipt ? { readback: p.receipt.readback } : {}) })),
    checksums: result.checksums.map((r) => r.location),
    ...(fellBack ? { uploadError: result.primaryFailure?.message, fallbackDir: path.dirname(result.parts.find((p) => p.fallback)!.receipt.location) } : {}),
    files: result.parts.reduce((n, p) => n + p.result.files, 0),
    bytes: result.parts.reduce((n, p) => n + p.result.bytes, 0),
    tier0CommittedMs,
    toolVersion: TOOL_VERSION,
    ...closingFacts(c, problems),
  }) + '\n');
  return fellBack ? EXIT.preservedLocally : problems.length > 0 ? EXIT.partial : EXIT.ok;
}
