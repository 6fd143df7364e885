// Exports a live event log that the EventLog service holds open (wevtutil epl) into a temp dir off the evidence disk, for the engine to read instead.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ExportedFile, LockedFileExporter } from '../engine/locked-file-exporter.ts';
import type { EvidenceSegments } from '../engine/platform.ts';
import type { CommandRunner } from './command-runner.ts';
import { scratchDirs } from './scratch-dir.ts';

export const WEVTUTIL_METHOD = 'wevtutil-export';
const EVTX_DIR = ['windows', 'system32', 'winevt', 'logs'];
const GL_TIMEOUT_MS = 30_000;
/** A multi-gigabyte Security log takes minutes to export. */
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/** `Microsoft-WindowsAzure-Status%4Plugins.evtx` → `Microsoft-WindowsAzure-Status/Plugins`; null for a name that is not `*.evtx`. */
export function channelForFileName(name: string): string | null {
  if (!/\.evtx$/i.test(name) || name.length <= 5) return null;
  return name.slice(0, -5).replaceAll('%4', '/');
}

/** The `logFileName:` of `wevtutil gl <channel>` with %VARIABLES% expanded from `env`; null when absent. */
export function channelLogFile(glOutput: string, env: NodeJS.ProcessEnv): string | null {
  const raw = /^\s*logFileName:\s*(.+?)\s*$/m.exec(glOutput)?.[1];
  if (!raw) return null;
  const lookup = (name: string) => Object.entries(env).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return raw.replace(/%([^%]+)%/g, (whole, name: string) => lookup(name) ?? (name.toLowerCase() === 'systemroot' ? 'C:\\Windows' : whole));
}

const comparable = (p: string): string => p.replace(/^\\\\\?\\/, '').replaceAll('/', '\\').toLowerCase();

export interface WevtutilExporterOptions {
  run: CommandRunner;
  /** Directories to create the temp dir in, tried in order; default scratchDirs (D:\ unless the evidence is on D:, then the temp dir). */
  tempParents?: (evidenceDrive: string) => string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

async function makeTempDir(parents: readonly string[]): Promise<string> {
  let last: unknown;
  for (const parent of parents) {
    try {
      return await mkdtemp(path.join(parent, 'cse-preserve-export-'));
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`no temp directory for the export: ${(last as Error | undefined)?.message ?? 'none given'}`);
}

export function createWevtutilExporter(options: WevtutilExporterOptions): LockedFileExporter {
  const { run } = options;
  const env = options.env ?? process.env;
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tempParents = options.tempParents ?? scratchDirs;

  return {
    async export(segments: EvidenceSegments, hostPath: Buffer): Promise<ExportedFile | null> {
      const names = segments.map((s) => s.toString('utf8'));
      const fileName = names.at(-1) ?? '';
      const channel = channelForFileName(fileName);
      const inEventLogDir = names.length === 6 && names.slice(1, 5).every((n, i) => n.toLowerCase() === EVTX_DIR[i]);
      if (!channel || !inEventLogDir) return null;

      // Export only when this very file is the channel's live log: never a channel of another system (a mounted disk or tree).
      const { stdout } = await run('wevtutil', ['gl', channel], Math.min(GL_TIMEOUT_MS, timeout));
      const logFile = channelLogFile(stdout, env);
      if (!logFile || comparable(logFile) !== comparable(hostPath.toString('utf8'))) return null;

      const dir = await makeTempDir(tempParents(names[0]!));
      const cleanup = () => rm(dir, { recursive: true, force: true });
      const file = path.join(dir, fileName);
      try {
        await run('wevtutil', ['epl', channel, file, '/ow:true'], timeout);
        if (!existsSync(file)) throw new Error(`wevtutil epl ${channel} wrote no file`);
      } catch (err) {
        await cleanup();
        throw err;
      }
      return {
        file,
        method: WEVTUTIL_METHOD,
        note: `held by the EventLog service: exported with wevtutil epl "${channel}" (the live records; not the raw file, no slack space); size and hashes are the export's, times the original's`,
        cleanup,
      };
    },
  };
}
