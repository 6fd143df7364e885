// `watch`: stay resident, preserve every new or changed tier-0 file the moment it appears, in small incremental archives, until SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Argv } from 'yargs';
import { COMPRESSIONS, type Compression } from '../../engine/archive-writer.ts';
import { CollectionLog } from '../../engine/collection-log.ts';
import { assertOutputOutsideEvidence } from '../../engine/output-guard.ts';
import { UsageError } from '../../errors.ts';
import { DirectorySink } from '../../sinks/directory-sink.ts';
import type { ArchiveSink } from '../../sinks/sink.ts';
import { toolFacts } from '../../tool-facts.ts';
import { EvidenceWatcher } from '../../watch/evidence-watcher.ts';
import { StateStore } from '../../watch/state-store.ts';
import { BoundedQueueSink, drainQueue } from '../../watch/upload-queue.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { checkedRoot, rootOption } from '../common-options.ts';
import { containerOptions } from '../container-options.ts';
import { resolveEvidenceRoot, selectPlatform } from '../select-platform.ts';
import { summaryLine } from '../summary.ts';
import type { CollectArgs } from './collect.ts';

export interface WatchArgs extends CollectArgs {
  stateFile?: string;
  queueDir?: string;
  maxQueueMib: number;
  rescanSeconds: number;
  settleMs: number;
  stopAfter?: number;
  stopFile?: string;
}

export const watchBuilder = (y: Argv) => y
  .options({
    ...rootOption,
    'output-dir': { type: 'string', nargs: 1, describe: 'Directory for the incremental archives', group: 'Destination (choose one):' },
    ...containerOptions,
    'state-file': { type: 'string', describe: 'Where preserved (path, SHA-256) pairs are remembered across restarts (default /var/lib/cse-preserve/state.json; C:\\ProgramData\\cse-preserve\\state.json)' },
    'queue-dir': { type: 'string', describe: 'Archives that could not be uploaded wait here and are sent again later (default: next to the state file)' },
    'max-queue-mib': { type: 'number', default: 1024, describe: 'Upper bound of the upload queue' },
    'rescan-seconds': { type: 'number', default: 30, describe: 'Full tier-0 rescan period (events can be lost or overflow)' },
    'settle-ms': { type: 'number', default: 300, describe: 'Quiet time before captured files are archived' },
    'stop-after': { type: 'number', describe: 'Stop cleanly after this many seconds (a bounded preservation window)' },
    'stop-file': { type: 'string', describe: 'Stop cleanly once this file exists (how a script or task stops it on Windows, which has no SIGTERM)' },
    compress: { type: 'string', choices: COMPRESSIONS as Compression[], default: 'gzip' as Compression, describe: 'Archive compression' },
    verbose: { type: 'boolean', default: false, describe: 'Echo the log to stderr' },
  })
  .example('$0 watch --container-url https://acct.blob.core.windows.net/evidence --managed-identity', 'Preserve every new extension script and settings file as it appears')
  .example('$0 watch --root /tmp/fake-vm --os linux --output-dir /tmp/out', 'Watch a test tree into a local directory');

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => { process.off('SIGTERM', on); process.off('SIGINT', on); resolve(sig); };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

function stopSignal(args: WatchArgs): Promise<string> {
  const stops: Promise<string>[] = [waitForSignal()];
  if (args.stopAfter !== undefined) stops.push(new Promise((r) => setTimeout(() => r('stop-after'), args.stopAfter! * 1000)));
  if (args.stopFile !== undefined) {
    const file = args.stopFile;
    stops.push(new Promise((r) => { const t = setInterval(() => { if (existsSync(file)) { clearInterval(t); r('stop-file'); } }, 250); }));
  }
  return Promise.race(stops);
}

export async function runWatch(args: WatchArgs, io: CliIo, until: Promise<unknown> = stopSignal(args)): Promise<number> {
  if ((args.outputDir === undefined) === (args.containerUrl === undefined)) throw new UsageError('give exactly one destination: --output-dir DIR or --container-url URL');
  if (!(args.rescanSeconds > 0)) throw new UsageError('--rescan-seconds must be positive');
  const checked = checkedRoot(args.root);
  const platform = selectPlatform(args.os, checked);
  const root = resolveEvidenceRoot(platform, checked);
  const stateFile = path.resolve(args.stateFile ?? path.join(platform.stateDir ?? os.tmpdir(), 'state.json'));
  const queueDir = path.resolve(args.queueDir ?? path.join(path.dirname(stateFile), 'queue'));
  for (const p of [stateFile, queueDir, ...(args.outputDir ? [args.outputDir] : [])]) assertOutputOutsideEvidence(p, platform, root);
  const log = new CollectionLog((line) => { if (args.verbose || / (WARN|ERROR) /.test(line)) io.stderr.write(`${line}\n`); });
  const state = await StateStore.open(stateFile);
  const runId = randomBytes(3).toString('hex');

  let sink: ArchiveSink;
  let fallback: ArchiveSink | undefined;
  let drain: (() => Promise<void>) | undefined;
  if (args.outputDir !== undefined) {
    sink = new DirectorySink(args.outputDir);
  } else {
    const { openContainer } = await import('./open-container.ts');
    const common = { platform, root, hashes: [], log, io, args, started: Date.now(), runId, launchedBy: null };
    const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '_');
    const container = await openContainer(args, common, `${args.prefix}/${host}/watch`);
    sink = container.sink;
    fallback = new BoundedQueueSink(queueDir, args.maxQueueMib * 1024 * 1024);
    drain = async () => { await drainQueue(queueDir, sink, (m) => log.info(m)); };
  }

  const watcher = new EvidenceWatcher({
    platform, root, sink, fallback, state, log, tool: toolFacts(), compression: args.compress,
    rescanMs: args.rescanSeconds * 1000, settleMs: args.settleMs, onRescan: drain,
    onArchive: (receipt, files, queued) => io.stdout.write(`${JSON.stringify({ event: queued ? 'queued' : 'archive', location: receipt.location, sha256: receipt.sha256, files })}\n`),
  });
  await watcher.start();
  log.info(`watch ready: root ${root || '(live drives)'}, state ${stateFile} (${state.size} preserved), rescan every ${args.rescanSeconds}s`);
  io.stderr.write(`cse-preserve: watching (state ${stateFile})\n`);
  const signal = await until;
  const stats = await watcher.stop();
  io.stdout.write(summaryLine({ status: 'stopped', signal: String(signal), ...stats, statePreserved: state.size, stateFile }) + '\n');
  return EXIT.ok;
}
