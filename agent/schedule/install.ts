// `schedule install`: checks, lays down the binary, config, SAS and units/tasks, records every created path, then registers and starts the schedule.
import { open, rmdir, unlink } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { commandLine, type ScheduleRunner } from './command-runner.ts';
import { ensureDir, occupied, writeFileAtomic } from './file-writer.ts';
import type { HostPath } from './host-paths.ts';
import { octal, readRecord, serializeRecord, type InstallRecord, type RecordedFile } from './install-record.ts';
import { ScheduleError } from './schedule-error.ts';
import type { Command, InstallInputs, PlannedDir, PlannedFile, RelPath, ScheduleSpec, ScheduleTarget } from './schedule-target.ts';

export interface InstallRequest {
  target: ScheduleTarget;
  spec: ScheduleSpec;
  inputs: InstallInputs;
  host: HostPath;
  /** Replace an existing installation (stopped, then its files replaced in place) and files in the way. */
  force: boolean;
  /** The system root is the running system: ACL commands run, and an existing installation is stopped before it is replaced. */
  live: boolean;
  /** Register and start the schedule (live and not --no-start). */
  start: boolean;
  /** Whether file modes mean anything on this host (not on Windows), so the SAS file's 0600 is checked. */
  posixModes: boolean;
  runner: ScheduleRunner;
  log: (line: string) => void;
}

export interface InstallPlan {
  dirs: PlannedDir[];
  files: PlannedFile[];
  /** The installation this one replaces (--force). */
  existing: InstallRecord | null;
  /** The commands that will run, in order, as text (dry run and summary). */
  commands: string[];
}

/** Checks everything that can be checked without writing: the binary, an existing installation, files in the way. */
export async function planInstall(req: InstallRequest): Promise<InstallPlan> {
  await checkBinary(req);
  const existing = await readRecord(req.host(req.target.recordPath));
  if (existing && !req.force) {
    throw new UsageError(`a scheduled installation already exists (${req.target.livePath(req.target.recordPath)}, installed ${existing.installedAt})`, 'run `cse-preserve schedule uninstall` first, or install again with --force to replace it');
  }
  const files = req.target.files(req.spec, req.inputs);
  const owned = new Set(existing?.files.map((f) => f.path) ?? []);
  const inTheWay: string[] = [];
  for (const f of files) {
    if (!owned.has(f.path) && (await occupied(req.host(f.path)))) inTheWay.push(req.host(f.path));
  }
  if (inTheWay.length > 0 && !req.force) {
    throw new UsageError(`not installing over files that are not from an installation: ${inTheWay.join(', ')}`, 'move them aside, or install with --force to replace them (uninstall then removes them)');
  }
  const commands: Command[] = [];
  if (existing && req.live) commands.push(...req.target.deactivate());
  if (req.live) {
    for (const d of req.target.dirs) if (d.protect) commands.push(...req.target.protect(req.host(d.path), 'dir'));
    for (const f of files) if (f.secret) commands.push(...req.target.protect(req.host(f.path), 'file'));
  }
  if (req.start) commands.push(...req.target.activate(req.host));
  return { dirs: [...req.target.dirs], files, existing, commands: commands.map((c) => commandLine(c.file, c.args)) };
}

async function checkBinary(req: InstallRequest): Promise<void> {
  const head = Buffer.alloc(4);
  try {
    const fh = await open(req.inputs.binary, 'r');
    try {
      if (!(await fh.stat()).isFile()) throw Object.assign(new Error('not a file'), { code: 'not a regular file' });
      await fh.read(head, 0, 4, 0);
    } finally { await fh.close(); }
  } catch (err) {
    throw new UsageError(`cannot read the binary to install ${req.inputs.binary}: ${(err as NodeJS.ErrnoException).code}`, 'give the cse-preserve single binary with --binary');
  }
  if (!req.target.looksExecutable(head)) {
    const want = req.target.os === 'windows' ? 'a Windows executable (MZ)' : 'a Linux executable (ELF or #!)';
    throw new UsageError(`${req.inputs.binary} is not ${want}`, `give the ${req.target.os} single binary with --binary, e.g. dist/bin/cse-preserve-${req.target.os === 'windows' ? 'win-x64.exe' : 'linux-x64'}`);
  }
}

export interface InstallResult {
  record: InstallRecord;
  /** The commands run, in order. */
  commands: string[];
  replaced: InstallRecord | null;
  warnings: string[];
}

async function run(req: InstallRequest, c: Command): Promise<void> {
  const line = commandLine(c.file, c.args);
  req.log(`running ${line}`);
  const r = await req.runner(c.file, c.args).catch((err: Error) => { throw new ScheduleError(`${line}: ${err.message}`, 'is this the machine to install on? use --no-start to only write the files'); });
  if (r.code !== 0) {
    const detail = (r.stderr || r.stdout).trim().split(/\r?\n/)[0];
    throw new ScheduleError(`${line} failed (exit ${r.code ?? 'killed'})${detail ? `: ${detail}` : ''}`, 'the files are installed and recorded: `cse-preserve schedule status` shows them; fix the cause and install again with --force, or uninstall');
  }
}

export async function install(req: InstallRequest, plan: InstallPlan): Promise<InstallResult> {
  const { target, host } = req;
  const commands: string[] = [];
  const warnings: string[] = [];
  const runLogged = async (c: Command) => { await run(req, c); commands.push(commandLine(c.file, c.args)); };
  const existing = plan.existing;
  // Directories made by the installation being replaced are still this tool's (the watcher's state among them).
  const created: RelPath[] = [];
  if (existing) {
    req.log('replacing the existing installation in place (--force)');
    // Stopped first, so nothing runs the old binary or arguments; failures are reported, not fatal (a unit may be gone).
    if (req.live) {
      for (const c of target.deactivate()) {
        const line = commandLine(c.file, c.args);
        commands.push(line);
        const r = await req.runner(c.file, c.args).catch((err: Error) => ({ code: null, stdout: '', stderr: err.message }));
        if (r.code !== 0) warnings.push(`${line} exited ${r.code ?? 'abnormally'}${r.stderr.trim() ? `: ${r.stderr.trim().split(/\r?\n/)[0]}` : ''}`);
      }
    }
    for (const d of existing.dirs) if (await occupied(host(d))) created.push(d);
  }

  const written: RecordedFile[] = [];
  const modeOf = (rel: RelPath) => target.dirs.find((d) => d.path === rel)?.mode ?? 0o755;
  const recordOf = (files: RecordedFile[], dirs: RelPath[]): InstallRecord => ({
    tool: 'cse-preserve', recordVersion: 1, os: target.os, toolVersion: req.spec.toolVersion, installedAt: req.spec.now.toISOString(), files, dirs,
  });
  try {
    for (const d of plan.dirs) {
      await ensureDir(host, d.path, modeOf, created);
      // Before anything is written into it: the files created inside inherit the restricted ACL.
      if (d.protect && req.live) for (const c of target.protect(host(d.path), 'dir')) await runLogged(c);
    }
    for (const f of plan.files) {
      await ensureDir(host, f.path.split('/').slice(0, -1).join('/'), modeOf, created);
      const dest = host(f.path);
      // Written beside and renamed over: an installed binary can even reinstall itself (it is read before it is replaced).
      const done = await writeFileAtomic(dest, f.content, f.mode);
      written.push(f.secret ? { path: f.path, mode: octal(f.mode), secret: true } : { path: f.path, mode: octal(f.mode), bytes: done.bytes, sha256: done.sha256 });
      req.log(`wrote ${dest} (${octal(f.mode)})`);
      if (f.secret) {
        if (req.live) for (const c of target.protect(dest, 'file')) await runLogged(c);
        if (req.posixModes) await assertPrivate(dest);
      }
    }
    // Files of the replaced installation this one no longer has (the SAS, when switching to a managed identity).
    for (const old of existing?.files ?? []) {
      if (written.some((w) => w.path === old.path)) continue;
      await unlink(host(old.path)).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw new ScheduleError(`cannot remove ${host(old.path)}: ${err.code}`, 'remove it by hand'); });
      req.log(`removed ${host(old.path)} (no longer part of the installation)`);
    }
    const record = recordOf(written, created);
    await writeFileAtomic(host(target.recordPath), serializeRecord(record), 0o644);
    req.log(`recorded ${written.length} files and ${created.length} new directories in ${host(target.recordPath)}`);
    if (req.start) for (const c of target.activate(host)) await runLogged(c);
    return { record, commands, replaced: existing, warnings };
  } catch (err) {
    if (existing) {
      // Keep everything either installation wrote on the record, so uninstall can still remove all of it.
      const merged = [...written, ...existing.files.filter((o) => !written.some((w) => w.path === o.path))];
      await writeFileAtomic(host(target.recordPath), serializeRecord(recordOf(merged, created)), 0o644).catch(() => {});
    } else if (!(await occupied(host(target.recordPath)))) {
      // Nothing recorded means nothing could be uninstalled later: undo what this run made.
      await rollBack(host, written, created);
    }
    throw err;
  }
}

async function assertPrivate(file: string): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const s = await fh.stat();
    if ((s.mode & 0o077) !== 0) throw new ScheduleError(`${file} is readable by others (mode ${octal(s.mode)})`, 'check the file system supports Unix permissions');
    if (typeof process.getuid === 'function' && process.getuid() === 0 && s.uid !== 0) throw new ScheduleError(`${file} is not owned by root`, 'check the file system supports Unix ownership');
  } finally { await fh.close(); }
}

async function rollBack(host: HostPath, written: RecordedFile[], created: RelPath[]): Promise<void> {
  for (const f of [...written].reverse()) await unlink(host(f.path)).catch(() => {});
  for (const d of [...created].reverse()) await rmdir(host(d)).catch(() => {});
}
