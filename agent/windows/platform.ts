// Windows platform: drive-letter paths (a C/, D/ tree under --root, or the live drives), Windows catalog, host identity from os.* and the registry.
import os from 'node:os';
import path from 'node:path';
import type { EvidenceSegments, Platform } from '../engine/platform.ts';
import type { HostFacts } from '../manifest/types.ts';
import { linuxFallbackDir } from '../linux/fallback-dir.ts';
import { linuxPlatform } from '../linux/platform.ts';
import { windowsCatalog } from './catalog.ts';
import { execFileRunner, type CommandRunner } from './command-runner.ts';
import { createWevtutilExporter } from './wevtutil-exporter.ts';
import { driveOf, scratchDirs } from './scratch-dir.ts';
import { drivePath, extendedLengthPath } from './win32-path.ts';
import { windowsOwnFootprint } from './run-command-footprint.ts';

/** The `root` meaning "this machine's own drives" (live Windows): segments map to `C:\...`, `D:\...`. */
export const LIVE_DRIVES_ROOT = '';
const DRIVE_GLOB = /^[A-Za-z]:$/;
const REG_TIMEOUT_MS = 3000;

/** `MachineGuid    REG_SZ    <guid>` from `reg query` output, or null. */
export function parseMachineGuid(regOutput: string): string | null {
  return /^\s*MachineGuid\s+REG_SZ\s+(\S+)\s*$/im.exec(regOutput)?.[1] ?? null;
}

export interface WindowsPlatformOptions {
  run?: CommandRunner;
  /** Whether the tool runs on Windows (default: process.platform is win32); tests set it to check a Windows host on Linux. */
  hostIsWindows?: boolean;
  /** Whether event logs held by the EventLog service are exported with wevtutil (default: hostIsWindows). */
  exportLockedEventLogs?: boolean;
}

const UNKNOWN_EVIDENCE_SYSTEM = { hostname: null, machineId: null, osRelease: null };

export function createWindowsPlatform(options: WindowsPlatformOptions = {}): Platform {
  const run = options.run ?? execFileRunner;
  const hostIsWindows = options.hostIsWindows ?? process.platform === 'win32';
  const separator = Buffer.from(hostIsWindows ? '\\' : '/');
  const exportLocked = options.exportLockedEventLogs ?? hostIsWindows;

  async function machineGuid(): Promise<string | null> {
    try {
      const { stdout } = await run('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid'], REG_TIMEOUT_MS);
      return parseMachineGuid(stdout);
    } catch {
      return null;
    }
  }

  return {
    os: 'windows',
    catalog: windowsCatalog,
    caseInsensitive: true,
    watchRoots: ['C:/Packages/Plugins', 'C:/WindowsAzure/Logs'],
    stateDir: 'C:\\ProgramData\\cse-preserve',
    ...(exportLocked ? { lockedFileExporter: createWevtutilExporter({ run }) } : {}),
    ...(hostIsWindows ? { ownFootprint: windowsOwnFootprint } : {}),

    globSegments(glob) {
      const segments = glob.split('/').filter((s) => s.length > 0);
      if (!DRIVE_GLOB.test(segments[0] ?? '')) throw new Error(`Windows catalog glob must start with a drive letter: ${glob}`);
      segments[0] = segments[0]!.slice(0, 1);
      return segments;
    },

    hostPath(root, segments: EvidenceSegments) {
      // The live drives have no common directory: an empty path says so (the drive is the first segment).
      if (root === LIVE_DRIVES_ROOT) return segments.length === 0 ? Buffer.alloc(0) : extendedLengthPath(drivePath(segments), segments);
      if (segments.length === 0) return Buffer.from(root);
      const base = hostIsWindows ? path.win32.resolve(root).replace(/\\+$/, '') : root.replace(/\/+$/, '');
      const parts: Buffer[] = [Buffer.from(base)];
      for (const s of segments) parts.push(separator, s);
      const joined = Buffer.concat(parts);
      return hostIsWindows ? extendedLengthPath(joined, segments) : joined;
    },

    defaultFallbackDir(root) {
      // The fallback is on the machine running the tool: a Linux host reading a Windows tree keeps the Linux choice.
      if (!hostIsWindows) return linuxFallbackDir(root);
      return scratchDirs(root === LIVE_DRIVES_ROOT ? 'C' : driveOf(root))[0]!;
    },

    displayPath(segments) {
      const [drive, ...rest] = segments.map((s) => s.toString('utf8'));
      return drive === undefined ? '' : `${drive}:\\${rest.join('\\')}`;
    },

    async hostFacts(root): Promise<HostFacts> {
      const live = root === LIVE_DRIVES_ROOT;
      // Identity of an offline Windows tree lives in registry hives, which this tool does not parse.
      if (!hostIsWindows) return { ...(await linuxPlatform.hostFacts('/')), evidenceSystem: UNKNOWN_EVIDENCE_SYSTEM };
      const facts: HostFacts = {
        hostname: os.hostname(),
        os: 'windows',
        osRelease: os.version() || null,
        kernel: `${os.type()} ${os.release()}`,
        arch: os.arch(),
        machineId: live ? await machineGuid() : null,
        bootTime: new Date(Date.now() - os.uptime() * 1000).toISOString(),
      };
      if (!live) facts.evidenceSystem = UNKNOWN_EVIDENCE_SYSTEM;
      return facts;
    },
  };
}

export const windowsPlatform: Platform = createWindowsPlatform();
