// `schedule install|uninstall|status`: keeps cse-preserve preserving evidence continuously (systemd units on Linux, Scheduled Tasks on Windows); prints one JSON summary line and returns the exit code.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.ts';
import { registerSecret, redact } from '../../redact.ts';
import { execScheduleRunner, type ScheduleRunner } from '../../schedule/command-runner.ts';
import { renderDryRun } from '../../schedule/dry-run.ts';
import { liveDrivePaths, treePaths, type HostPath } from '../../schedule/host-paths.ts';
import { install, planInstall, type InstallRequest } from '../../schedule/install.ts';
import { intervalLabel, parseInterval } from '../../schedule/interval.ts';
import { linuxTarget } from '../../schedule/linux-target.ts';
import { ScheduleError } from '../../schedule/schedule-error.ts';
import type { ScheduleCredential, ScheduleTarget, TargetOs } from '../../schedule/schedule-target.ts';
import { scheduleStatus } from '../../schedule/status.ts';
import { uninstall } from '../../schedule/uninstall.ts';
import { windowsTarget } from '../../schedule/windows-target.ts';
import { parseContainerUrl } from '../../sinks/azure/container-url.ts';
import { runningExecutable, TOOL_VERSION } from '../../tool-facts.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { looksLikeWindowsTree, OS_CHOICES, type OsChoice } from '../select-platform.ts';
import { summaryLine } from '../summary.ts';

export const SCHEDULE_ACTIONS = ['install', 'uninstall', 'status'] as const;
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];

export interface ScheduleArgs {
  action: ScheduleAction;
  containerUrl?: string;
  sasFile?: string;
  sasStdin: boolean;
  managedIdentity?: string;
  interval: string;
  binary?: string;
  systemRoot: string;
  os: OsChoice;
  dryRun: boolean;
  start: boolean;
  force: boolean;
  verbose: boolean;
}

/** What the command needs from the machine; tests replace it so systemctl and schtasks are never really run. */
export interface ScheduleDeps {
  runner: ScheduleRunner;
  readStdin: () => Promise<string>;
  runtimePlatform: string;
  /** Whether --system-root is the running system's own root (then the schedule is registered and started). */
  isRunningSystem: (systemRoot: string) => boolean;
  /** Whether the service manager is up: systemd booted (/run/systemd/system), or the Task Scheduler on Windows. */
  serviceManagerUp: (os: TargetOs) => boolean;
  isRoot: () => boolean;
  now: () => Date;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const defaultScheduleDeps: ScheduleDeps = {
  runner: execScheduleRunner,
  readStdin: readProcessStdin,
  runtimePlatform: process.platform,
  isRunningSystem: (root) => {
    const norm = (p: string) => (process.platform === 'win32' ? path.resolve(p).toLowerCase() : path.resolve(p));
    return norm(root) === norm('/');
  },
  serviceManagerUp: (os) => (os === 'linux' ? existsSync('/run/systemd/system') : true),
  isRoot: () => typeof process.getuid !== 'function' || process.getuid() === 0,
  now: () => new Date(),
};

export const scheduleBuilder = (y: Argv) => y
  .positional('action', { type: 'string', choices: SCHEDULE_ACTIONS, demandOption: true, describe: 'install, uninstall or status' })
  .options({
    'container-url': { type: 'string', nargs: 1, describe: 'Azure Blob container https://<account>.blob.core.windows.net/<container> (no SAS in it)', group: 'install:' },
    'sas-file': { type: 'string', nargs: 1, describe: 'File holding a create+write SAS token: copied to a root/SYSTEM-only file the scheduled runs read', group: 'install:' },
    'sas-stdin': { type: 'boolean', default: false, describe: 'Read the SAS token from standard input', group: 'install:' },
    'managed-identity': { type: 'string', describe: "Use the VM's managed identity (optionally a user-assigned identity's client id): no secret on the disk", group: 'install:' },
    interval: { type: 'string', default: '6h', describe: 'Time between full collections (10m to 31d, e.g. 30m, 6h, 1d)', group: 'install:' },
    binary: { type: 'string', nargs: 1, describe: 'The cse-preserve single binary to install (default: the running executable)', group: 'install:' },
    'dry-run': { type: 'boolean', default: false, describe: 'Print every file and command the installation would make; write nothing', group: 'install:' },
    start: { type: 'boolean', default: true, describe: 'Register and start the schedule (--no-start: only write the files)', group: 'install:' },
    force: { type: 'boolean', default: false, describe: 'Replace an existing installation and files in the way', group: 'install:' },
    'system-root': { type: 'string', default: '/', normalize: true, describe: 'Install into this directory instead of the running system (an image, a test tree); nothing is started then' },
    os: { type: 'string', choices: OS_CHOICES as OsChoice[], default: 'auto' as OsChoice, describe: 'Target OS: auto = the running OS, or Windows for a --system-root holding C/Windows' },
    verbose: { type: 'boolean', default: false, describe: 'Echo each step to stderr' },
  })
  .example('$0 schedule install --container-url https://acct.blob.core.windows.net/evidence --managed-identity', 'Watch continuously and collect every 6 hours, as root/SYSTEM')
  .example('$0 schedule install --container-url https://acct.blob.core.windows.net/evidence --sas-file ./sas --interval 2h --dry-run', 'Show the units, config and commands without writing anything')
  .example('$0 schedule status', 'What is installed, whether it is intact, and whether it runs')
  .example('$0 schedule uninstall', 'Stop it and remove exactly what install created');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What a container URL may hold to go into a unit file or task verbatim (no `%`, quotes, spaces or shell characters). */
const PLAIN_URL = /^[A-Za-z0-9:/._~\-[\]]+$/;

interface Context {
  target: ScheduleTarget;
  host: HostPath;
  systemRoot: string;
  /** The system root is the running system of the target OS. */
  live: boolean;
  deps: ScheduleDeps;
  io: CliIo;
  log: (line: string) => void;
}

function checkedSystemRoot(root: string): string {
  const abs = path.resolve(root);
  let isDir = false;
  try { isDir = statSync(abs).isDirectory(); } catch { /* reported below */ }
  if (!isDir) throw new UsageError(`--system-root ${abs} is not a directory`, 'give / for this machine, or an existing directory holding an image or test tree');
  return abs;
}

function context(args: ScheduleArgs, io: CliIo, deps: ScheduleDeps): Context {
  const systemRoot = checkedSystemRoot(args.systemRoot);
  const running = deps.isRunningSystem(systemRoot);
  const runtimeOs: TargetOs = deps.runtimePlatform === 'win32' ? 'windows' : 'linux';
  let os: TargetOs = args.os === 'auto' ? (running ? runtimeOs : looksLikeWindowsTree(systemRoot) ? 'windows' : runtimeOs) : args.os;
  if (args.os === 'auto' && !running && args.action !== 'install') {
    // uninstall/status: follow the record that is there.
    const other = os === 'linux' ? windowsTarget : linuxTarget;
    if (!existsSync(treePaths(systemRoot)(targetFor(os).recordPath)) && existsSync(treePaths(systemRoot)(other.recordPath))) os = other.os;
  }
  if (running && os !== runtimeOs) {
    throw new UsageError(`--os ${os} with --system-root ${systemRoot}: that is this ${runtimeOs} machine`, `give --system-root DIR to prepare a ${os} tree`);
  }
  const target = targetFor(os);
  const host = running && os === 'windows' ? liveDrivePaths : treePaths(systemRoot);
  const log = args.verbose ? (line: string) => { io.stderr.write(redact(`cse-preserve: ${line}\n`)); } : () => {};
  return { target, host, systemRoot, live: running, deps, io, log };
}

const targetFor = (os: TargetOs): ScheduleTarget => (os === 'windows' ? windowsTarget : linuxTarget);

export async function runSchedule(args: ScheduleArgs, io: CliIo, deps: ScheduleDeps = defaultScheduleDeps): Promise<number> {
  const started = Date.now();
  if (args.action !== 'install') {
    const given = [['--container-url', args.containerUrl !== undefined], ['--sas-file', args.sasFile !== undefined], ['--sas-stdin', args.sasStdin], ['--managed-identity', args.managedIdentity !== undefined], ['--binary', args.binary !== undefined], ['--dry-run', args.dryRun], ['--force', args.force], ['--no-start', !args.start]] as const;
    const wrong = given.filter(([, set]) => set).map(([name]) => name);
    if (wrong.length > 0) throw new UsageError(`${wrong.join(', ')} applies only to schedule install`);
  }
  const c = context(args, io, deps);
  const base = { action: args.action, os: c.target.os, systemRoot: c.systemRoot };
  try {
    if (args.action === 'install') return await runInstall(args, c, base, started);
    if (args.action === 'uninstall') return await runUninstall(c, base, started);
    return await runStatus(c, base, started);
  } catch (err) {
    if (!(err instanceof ScheduleError)) throw err;
    io.stderr.write(redact(`cse-preserve: ${err.message}${err.hint ? `\n  what to do: ${err.hint}` : ''}\n`));
    io.stdout.write(summaryLine({ status: 'failed', ...base, error: err.message, code: 'CSE_SCHEDULE_FAILED', duration: (Date.now() - started) / 1000 }) + '\n');
    return EXIT.failed;
  }
}

async function credentialFrom(args: ScheduleArgs, containerUrl: string, deps: ScheduleDeps, warn: (w: string) => void): Promise<{ credential: ScheduleCredential; sas: Buffer | null }> {
  const chosen = [args.sasFile !== undefined, args.sasStdin, args.managedIdentity !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('choose one credential for the scheduled runs: --sas-file PATH, --sas-stdin or --managed-identity [clientId]', 'a managed identity keeps every secret off the disk');
  if (args.managedIdentity !== undefined) {
    if (!containerUrl.startsWith('https:')) throw new UsageError('a managed identity token is only ever sent over https', 'use the https:// container URL');
    const clientId = args.managedIdentity.trim();
    if (clientId !== '' && !GUID.test(clientId)) throw new UsageError(`--managed-identity ${clientId} is not a client id`, "give the user-assigned identity's client id (a GUID), or nothing for the system-assigned identity");
    return { credential: clientId ? { kind: 'managed-identity', clientId } : { kind: 'managed-identity' }, sas: null };
  }
  let raw: string;
  if (args.sasFile !== undefined) {
    const file = args.sasFile;
    raw = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read --sas-file ${file}: ${err.code}`, 'give a readable file holding the SAS token');
    });
  } else {
    raw = await deps.readStdin();
  }
  const sas = raw.trim().replace(/^\?/, '');
  registerSecret(sas);
  if (!sas) throw new UsageError('the SAS token is empty', 'give the token part of a SAS URL (sv=...&sp=cw&sig=...)');
  if (/\s/.test(sas)) throw new UsageError('the SAS token holds whitespace or more than one line', 'the file must hold the token only');
  const params = new URLSearchParams(sas);
  registerSecret(params.get('sig'));
  const { sasWarnings } = await import('../../sinks/azure/blob-credentials.ts');
  for (const w of sasWarnings(sas)) warn(w);
  const expiry = Date.parse(params.get('se') ?? '');
  if (!Number.isNaN(expiry)) {
    if (expiry <= deps.now().getTime()) throw new UsageError(`the SAS expired at ${params.get('se')}`, 'generate a new one, or use --managed-identity');
    if (expiry - deps.now().getTime() < 30 * 86400_000) warn(`the SAS expires at ${params.get('se')}: every scheduled run after that fails; install again with --force and a new SAS before then, or use --managed-identity`);
  }
  return { credential: { kind: 'sas-file' }, sas: Buffer.from(sas) };
}

async function runInstall(args: ScheduleArgs, c: Context, base: Record<string, unknown>, started: number): Promise<number> {
  if (args.containerUrl === undefined) throw new UsageError('schedule install needs --container-url', 'e.g. --container-url https://acct.blob.core.windows.net/evidence');
  const location = parseContainerUrl(args.containerUrl);
  if (location.inlineSas) {
    registerSecret(location.inlineSas);
    throw new UsageError('--container-url carries a SAS: it would be written into the unit files and tasks', 'give the URL without its ?query, and the SAS with --sas-file or --sas-stdin');
  }
  if (!PLAIN_URL.test(location.url)) throw new UsageError(`--container-url ${location.url} holds characters that cannot go into a unit file or task safely`, 'storage account and container names are letters, digits and hyphens');
  const intervalSeconds = parseInterval(args.interval);
  const warnings: string[] = [];
  const warn = (w: string) => { warnings.push(w); c.io.stderr.write(redact(`cse-preserve: warning: ${w}\n`)); };
  const { credential, sas } = await credentialFrom(args, location.url, c.deps, warn);
  const start = c.live && args.start;
  if (c.live && !args.dryRun && c.target.os === 'linux' && !c.deps.isRoot()) throw new UsageError('installing on this machine needs root', 'run it with sudo, or give --system-root DIR to prepare an image');
  if (start && !c.deps.serviceManagerUp(c.target.os)) throw new UsageError('systemd is not running here (no /run/systemd/system), so nothing can be started', 'use --no-start to only write the files');

  const req: InstallRequest = {
    target: c.target, host: c.host, force: args.force, live: c.live, start, posixModes: c.deps.runtimePlatform !== 'win32',
    runner: c.deps.runner, log: c.log,
    spec: { containerUrl: location.url, credential, intervalSeconds, now: c.deps.now(), toolVersion: TOOL_VERSION },
    inputs: { binary: path.resolve(args.binary ?? runningExecutable()), sas },
  };
  const plan = await planInstall(req);
  const shared = { containerUrl: location.url, credential: credential.kind, interval: intervalLabel(intervalSeconds) };
  if (args.dryRun) {
    c.io.stdout.write(await renderDryRun(plan, c.host, c.target.recordPath));
    c.io.stdout.write(summaryLine({ status: 'ok', ...base, dryRun: true, ...shared, files: plan.files.map((f) => c.host(f.path)), commands: plan.commands, warnings, duration: (Date.now() - started) / 1000 }) + '\n');
    return EXIT.ok;
  }
  const result = await install(req, plan);
  for (const f of result.record.files) c.io.stdout.write(`installed ${c.host(f.path)} (${f.mode})\n`);
  c.io.stdout.write(`recorded in ${c.host(c.target.recordPath)}\n`);
  if (!start) c.io.stdout.write(c.live ? 'not started (--no-start)\n' : 'not started: --system-root is not this machine\n');
  c.io.stdout.write(summaryLine({
    status: 'ok', ...base, ...shared, started: start, replaced: result.replaced !== null,
    record: c.host(c.target.recordPath), files: result.record.files.map((f) => c.host(f.path)), dirs: result.record.dirs.map(c.host),
    commands: result.commands, warnings: [...warnings, ...result.warnings], duration: (Date.now() - started) / 1000,
  }) + '\n');
  return EXIT.ok;
}

async function runUninstall(c: Context, base: Record<string, unknown>, started: number): Promise<number> {
  const r = await uninstall({ target: c.target, host: c.host, live: c.live, runner: c.deps.runner, log: c.log });
  for (const p of r.removed) c.io.stdout.write(`removed ${p}\n`);
  for (const p of r.missing) c.io.stdout.write(`already gone ${p}\n`);
  for (const p of r.keptDirs) c.io.stdout.write(`kept ${p} (not empty)\n`);
  for (const w of r.warnings) c.io.stderr.write(redact(`cse-preserve: warning: ${w}\n`));
  const ok = r.failed.length === 0;
  c.io.stdout.write(summaryLine({
    status: ok ? 'ok' : 'failed', ...base, removed: r.removed.length, missing: r.missing, failed: r.failed, keptDirs: r.keptDirs,
    commands: r.commands, warnings: r.warnings, duration: (Date.now() - started) / 1000,
  }) + '\n');
  return ok ? EXIT.ok : EXIT.failed;
}

async function runStatus(c: Context, base: Record<string, unknown>, started: number): Promise<number> {
  const ask = c.live && c.deps.serviceManagerUp(c.target.os);
  const s = await scheduleStatus({ target: c.target, host: c.host, live: ask, posixModes: c.deps.runtimePlatform !== 'win32', runner: c.deps.runner });
  if (!s.installed) {
    c.io.stdout.write(`nothing is installed (no ${c.host(c.target.recordPath)})\n`);
    c.io.stdout.write(summaryLine({ status: 'not-installed', ...base, duration: (Date.now() - started) / 1000 }) + '\n');
    return EXIT.failed;
  }
  c.io.stdout.write(`installed ${s.record!.installedAt} by cse-preserve ${s.record!.toolVersion}\n`);
  for (const f of s.files) c.io.stdout.write(`${f.state.padEnd(10)} ${f.path}\n`);
  for (const v of s.services) c.io.stdout.write(`${(v.ok ? 'ok' : 'NOT OK').padEnd(10)} ${v.name} ${v.property}: ${v.value}\n`);
  if (!ask) c.io.stdout.write(c.live ? 'service manager not running: units not queried\n' : 'not this machine (--system-root): units/tasks not queried\n');
  c.io.stdout.write(summaryLine({
    status: s.ok ? 'ok' : 'degraded', ...base, installedAt: s.record!.installedAt,
    files: Object.fromEntries(s.files.map((f) => [f.path, f.state])),
    services: s.services.map((v) => ({ name: v.name, [v.property]: v.value, ok: v.ok })),
    duration: (Date.now() - started) / 1000,
  }) + '\n');
  return s.ok ? EXIT.ok : EXIT.partial;
}
