// Test harness for running the Windows build under Wine: a cached prefix set to win10, node.exe from npm, stdio on files, an exclusive file lock and a fake wevtutil.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchNodeTarget } from '../../scripts/fetch-node-target.ts';

export const WINE_MISSING = 'wine is not installed: CI needs it for the Windows tests (apt-get install -y wine64 wine)';
const PREFIXES = path.resolve('.cache/wine-prefix');

export const wineInstalled = (): boolean => spawnSync('sh', ['-c', 'command -v wine && command -v wineserver'], { stdio: 'ignore' }).status === 0;

/** `/tmp/x/y` → `Z:\tmp\x\y` (Wine maps the Linux root to Z:). */
export const winPath = (linuxPath: string): string => `Z:${path.resolve(linuxPath).replaceAll('/', '\\')}`;

export interface RunResult { status: number | null; stdout: string; stderr: string }

/** Runs with stdout and stderr on regular files: node.exe under Wine 8 fails with EBADF on pipes and asserts on a pty. */
export function runToFiles(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): RunResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wine-run-'));
  const out = openSync(path.join(dir, 'stdout'), 'w');
  const err = openSync(path.join(dir, 'stderr'), 'w');
  try {
    const r = spawnSync(command, [...args], { stdio: ['ignore', out, err], env: { ...process.env, ...env }, timeout: timeoutMs });
    if (r.error) throw r.error;
    return { status: r.status, stdout: readFileSync(path.join(dir, 'stdout'), 'utf8'), stderr: readFileSync(path.join(dir, 'stderr'), 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface WineBox {
  prefix: string;
  /** Host path of node.exe (win-x64, from npm). */
  nodeExe: string;
  env: NodeJS.ProcessEnv;
  /** Runs `wine node.exe args...` with extra environment. */
  node(args: readonly string[], extraEnv?: NodeJS.ProcessEnv): RunResult;
  /** Linux path of the prefix's C: drive. */
  driveC: string;
  stop(): void;
}

/** A Wine prefix under .cache/wine-prefix/<name>, created once (wineboot -i, winecfg -v win10) and reused. */
export async function openWineBox(name: string): Promise<WineBox> {
  if (!wineInstalled()) throw new Error(WINE_MISSING);
  const nodeExe = await fetchNodeTarget('win-x64');
  const prefix = path.join(PREFIXES, name);
  const env = { WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
  const ready = path.join(prefix, '.cse-preserve-ready');
  if (!existsSync(ready)) {
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    for (const args of [['wineboot', '-i'], ['wine', 'winecfg', '-v', 'win10']]) {
      const r = runToFiles(args[0]!, args.slice(1), env, 180_000);
      if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    }
    writeFileSync(ready, 'win10\n');
  }
  return {
    prefix, nodeExe, env,
    driveC: path.join(prefix, 'drive_c'),
    node: (args, extraEnv = {}) => runToFiles('wine', [nodeExe, ...args], { ...env, ...extraEnv }),
    stop: () => { spawnSync('wineserver', ['-k'], { env: { ...process.env, ...env }, stdio: 'ignore' }); },
  };
}

/**
 * Holds `windowsFile` open with no sharing (libuv's UV_FS_O_EXLOCK), as the EventLog service holds its .evtx files, until
 * release() (or 60 s). Opening it elsewhere then fails with a sharing violation (EBUSY).
 */
export async function holdExclusively(box: WineBox, windowsFile: string): Promise<{ release(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wine-hold-'));
  const script = path.join(dir, 'hold.cjs');
  writeFileSync(script, `const fs = require('fs');
const [file, ready, done] = process.argv.slice(2);
const fd = fs.openSync(file, fs.constants.O_RDONLY | 0x10000000 /* UV_FS_O_EXLOCK: share nothing */);
fs.writeFileSync(ready, 'held');
const until = Date.now() + 60000;
(function wait() { if (fs.existsSync(done) || Date.now() > until) return fs.closeSync(fd); setTimeout(wait, 50); })();
`);
  const readyFile = path.join(dir, 'ready');
  const doneFile = path.join(dir, 'done');
  const out = openSync(path.join(dir, 'out'), 'w');
  const child = spawn('wine', [box.nodeExe, winPath(script), windowsFile, winPath(readyFile), winPath(doneFile)], {
    stdio: ['ignore', out, out], env: { ...process.env, ...box.env },
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; i < 300 && !existsSync(readyFile); i++) {
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  if (!existsSync(readyFile)) throw new Error(`could not lock ${windowsFile}: ${readFileSync(path.join(dir, 'out'), 'utf8')}`);
  return {
    async release() {
      writeFileSync(doneFile, 'done');
      await Promise.race([exited, sleep(10_000)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FakeWevtutil {
  /** Environment that makes `wevtutil` resolve to the fake for Windows processes. */
  env: NodeJS.ProcessEnv;
  /** Calls so far: [verb, ...args]. */
  calls(): string[][];
  /** What the fake's `epl` writes for a channel. */
  exportOf(channel: string): Buffer;
  remove(): void;
}

/**
 * Wine's wevtutil.exe is a stub that prints nothing. This fake is node.exe linked as wevtutil.exe, found first on WINEPATH,
 * with a NODE_OPTIONS preload that acts only in a process named wevtutil.exe: `gl` prints the channel's logFileName
 * (%SystemRoot%\System32\Winevt\Logs\<channel with / as %4>.evtx), `epl` writes a stand-in export.
 */
export function installFakeWevtutil(box: WineBox): FakeWevtutil {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wine-wevtutil-'));
  symlinkSync(box.nodeExe, path.join(dir, 'wevtutil.exe'));
  const log = path.join(dir, 'calls.jsonl');
  writeFileSync(log, '');
  const preload = path.join(dir, 'fake-wevtutil.cjs');
  writeFileSync(preload, `const path = require('path');
const fs = require('fs');
if (path.win32.basename(process.execPath).toLowerCase() === 'wevtutil.exe') {
  const verb = path.win32.basename(process.argv[1] || '');
  const args = process.argv.slice(2);
  fs.appendFileSync(${JSON.stringify(winPath(log))}, JSON.stringify([verb, ...args]) + '\\n');
  if (verb === 'gl') fs.writeSync(1, 'name: ' + args[0] + '\\r\\nlogging:\\r\\n  logFileName: %SystemRoot%\\\\System32\\\\Winevt\\\\Logs\\\\' + args[0].replaceAll('/', '%4') + '.evtx\\r\\n');
  if (verb === 'epl') fs.writeFileSync(args[1], Buffer.concat([Buffer.from('ElfFile\\0', 'latin1'), Buffer.from('exported ' + args[0] + '\\n')]));
  process.exit(0);
}
`);
  return {
    env: { NODE_OPTIONS: `--require ${winPath(preload)}`, WINEPATH: winPath(dir) },
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]),
    exportOf: (channel) => Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), Buffer.from(`exported ${channel}\n`)]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
