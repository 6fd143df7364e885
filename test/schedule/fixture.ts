// Shared set-up for the schedule tests: a temp system root, a fake binary and SAS, a recording command runner, and a tree listing.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScheduleArgs, ScheduleDeps } from '../../agent/cli/commands/schedule.ts';
import type { CommandResult } from '../../agent/schedule/command-runner.ts';
import { tempDir } from '../helpers/temp-dir.ts';

export const CONTAINER = 'https://acct.blob.core.windows.net/evidence';
export const NOW = new Date('2025-03-01T12:00:00.000Z');

export interface Fixture {
  work: string;
  root: string;
  binary: string;
  sas: string;
  sasFile: string;
}

/** A fresh system root, a `#!` (or `MZ`) binary and a create+write SAS with a random signature. */
export async function fixture(kind: 'linux' | 'windows' = 'linux'): Promise<Fixture> {
  const work = await tempDir('csep-sched-');
  const root = path.join(work, 'root');
  await mkdir(root);
  const binary = path.join(work, kind === 'linux' ? 'cse-preserve-linux-x64' : 'cse-preserve-win-x64.exe');
  await writeFile(binary, kind === 'linux' ? `#!/bin/sh\necho fake cse-preserve ${randomBytes(8).toString('hex')}\n` : Buffer.concat([Buffer.from('MZ'), randomBytes(64)]));
  await chmod(binary, 0o755);
  const sig = encodeURIComponent(randomBytes(32).toString('base64'));
  // Valid for 60 days from now (the real clock, which the in-process CLI uses; NOW is earlier still).
  const se = new Date(Date.now() + 60 * 86400_000).toISOString().slice(0, 19) + 'Z';
  const sas = `sv=2025-01-05&ss=b&srt=co&sp=cw&se=${se}&spr=https&sig=${sig}`;
  const sasFile = path.join(work, 'sas.txt');
  await writeFile(sasFile, `${sas}\n`, { mode: 0o600 });
  return { work, root, binary, sas, sasFile };
}

export const installArgs = (f: Fixture, over: Partial<ScheduleArgs> = {}): ScheduleArgs => ({
  action: 'install', containerUrl: CONTAINER, sasFile: f.sasFile, sasStdin: false, interval: '6h', binary: f.binary,
  systemRoot: f.root, os: 'auto', dryRun: false, start: true, force: false, verbose: false, ...over,
});

export const args = (f: Fixture, over: Partial<ScheduleArgs>): ScheduleArgs => ({
  action: 'status', sasStdin: false, interval: '6h', systemRoot: f.root, os: 'auto', dryRun: false, start: true, force: false, verbose: false, ...over,
});

export interface RecordedCall {
  file: string;
  args: string[];
}

/** Deps whose runner records every call (and answers like a healthy systemd); `live` pretends the temp root is the running system. */
export function fakeDeps(options: { live?: boolean; runtimePlatform?: string; answer?: (file: string, args: readonly string[]) => Partial<CommandResult>; onCall?: (c: RecordedCall) => Promise<void> | void; stdin?: string } = {}): ScheduleDeps & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return {
    calls,
    runner: async (file, a) => {
      const call = { file, args: [...a] };
      calls.push(call);
      await options.onCall?.(call);
      const defaults: CommandResult = { code: 0, stdout: a[0] === 'is-active' ? 'active\n' : a[0] === 'is-enabled' ? 'enabled\n' : '', stderr: '' };
      return { ...defaults, ...options.answer?.(file, a) };
    },
    readStdin: async () => options.stdin ?? '',
    runtimePlatform: options.runtimePlatform ?? 'linux',
    isRunningSystem: () => options.live ?? false,
    serviceManagerUp: () => true,
    isRoot: () => true,
    now: () => NOW,
  };
}

export interface TreeEntry {
  kind: 'file' | 'dir' | 'other';
  mode: string;
  uid: number;
  sha256?: string;
}

/** Every path below `root` (relative, `/`-separated) with its kind, mode, owner and content hash. */
export async function listTree(root: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  async function walk(dir: string, rel: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const full = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const s = await lstat(full);
      const mode = `0${(s.mode & 0o7777).toString(8)}`;
      if (s.isDirectory()) { out.set(r, { kind: 'dir', mode, uid: s.uid }); await walk(full, r); }
      else if (s.isFile()) out.set(r, { kind: 'file', mode, uid: s.uid, sha256: createHash('sha256').update(await readFile(full)).digest('hex') });
      else out.set(r, { kind: 'other', mode, uid: s.uid });
    }
  }
  await walk(root, '');
  return out;
}

/** All text of every regular file below `root`, for secret searches. */
export async function allFileText(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const [rel, e] of await listTree(root)) if (e.kind === 'file') out.set(rel, await readFile(path.join(root, rel)));
  return out;
}
