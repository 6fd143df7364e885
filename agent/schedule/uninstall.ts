// `schedule uninstall`: stops and unregisters the schedule, then removes exactly the files and (empty) directories installed.json lists.
import { lstat, rmdir, unlink } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { commandLine, type ScheduleRunner } from './command-runner.ts';
import { writeFileAtomic } from './file-writer.ts';
import type { HostPath } from './host-paths.ts';
import { readRecord, serializeRecord, type InstallRecord } from './install-record.ts';
import type { Command, RelPath, ScheduleTarget } from './schedule-target.ts';

export interface UninstallRequest {
  target: ScheduleTarget;
  host: HostPath;
  /** The system root is the running system: the schedule is stopped and unregistered. */
  live: boolean;
  runner: ScheduleRunner;
  log: (line: string) => void;
}

export interface UninstallResult {
  removed: string[];
  /** Recorded files that were already gone. */
  missing: string[];
  /** Recorded files that could not be removed: they stay in installed.json. */
  failed: string[];
  /** Directories the installation created that are not empty (the watcher's state, or someone else's files): left in place. */
  keptDirs: string[];
  /** The same, relative to the system root, parents first. */
  keptDirsRel: RelPath[];
  commands: string[];
  warnings: string[];
}

const errCode = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'error';

export async function uninstall(req: UninstallRequest, given?: InstallRecord): Promise<UninstallResult> {
  const { target, host } = req;
  const recordFile = host(target.recordPath);
  const record = given ?? (await readRecord(recordFile));
  if (!record) throw new UsageError(`nothing is installed: there is no ${recordFile}`, 'give the --system-root (and --os) the installation was made with');
  const result: UninstallResult = { removed: [], missing: [], failed: [], keptDirs: [], keptDirsRel: [], commands: [], warnings: [] };

  // Failures here are reported, not fatal: a unit someone already removed must not keep its files on the disk.
  const runAll = async (commands: Command[]) => {
    for (const c of commands) {
      const line = commandLine(c.file, c.args);
      req.log(`running ${line}`);
      result.commands.push(line);
      try {
        const r = await req.runner(c.file, c.args);
        if (r.code !== 0) result.warnings.push(`${line} exited ${r.code ?? 'killed'}${(r.stderr || r.stdout).trim() ? `: ${(r.stderr || r.stdout).trim().split(/\r?\n/)[0]}` : ''}`);
      } catch (err) {
        result.warnings.push(`${line}: ${(err as Error).message}`);
      }
    }
  };
  if (req.live) await runAll(target.deactivate());

  const remaining = [];
  for (const f of record.files) {
    const where = host(f.path);
    try {
      if ((await lstat(where)).isDirectory()) {
        result.failed.push(where);
        result.warnings.push(`${where} is now a directory: not removed`);
        remaining.push(f);
        continue;
      }
      await unlink(where);
      result.removed.push(where);
      req.log(`removed ${where}`);
    } catch (err) {
      if (errCode(err) === 'ENOENT') { result.missing.push(where); continue; }
      result.failed.push(where);
      result.warnings.push(`cannot remove ${where}: ${errCode(err)}`);
      remaining.push(f);
    }
  }

  const keptDirs: RelPath[] = [];
  if (remaining.length > 0) {
    // Keep the record of what is left, so a second uninstall can finish the job.
    await writeFileAtomic(recordFile, serializeRecord({ ...record, files: remaining }), 0o644);
    keptDirs.push(...record.dirs);
  } else {
    await unlink(recordFile).catch((err) => { if (errCode(err) !== 'ENOENT') throw err; });
    result.removed.push(recordFile);
    for (const d of [...record.dirs].reverse()) {
      try {
        await rmdir(host(d));
        result.removed.push(host(d));
      } catch (err) {
        if (errCode(err) !== 'ENOENT') keptDirs.push(d);
      }
    }
  }
  result.keptDirsRel = record.dirs.filter((d) => keptDirs.includes(d));
  result.keptDirs = result.keptDirsRel.map(host);
  if (req.live) await runAll(target.afterRemoval());
  return result;
}
