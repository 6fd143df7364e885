// `schedule status`: what installed.json lists, whether each file is still there unchanged, and what the service manager says.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { ScheduleRunner } from './command-runner.ts';
import type { HostPath } from './host-paths.ts';
import { octal, readRecord, type InstallRecord, type RecordedFile } from './install-record.ts';
import type { ScheduleTarget } from './schedule-target.ts';

/** ok; missing; changed (content); mode (permissions differ); not-a-file (replaced by a directory, link, ...); unreadable. */
export type FileState = 'ok' | 'missing' | 'changed' | 'mode' | 'not-a-file' | 'unreadable';

export interface FileStatus {
  path: string;
  state: FileState;
}

export interface ServiceStatus {
  name: string;
  property: string;
  value: string;
  ok: boolean;
}

export interface StatusResult {
  installed: boolean;
  record: InstallRecord | null;
  files: FileStatus[];
  services: ServiceStatus[];
  /** Installed, every file ok and (when asked) every unit/task in the state a working installation has. */
  ok: boolean;
}

export interface StatusRequest {
  target: ScheduleTarget;
  host: HostPath;
  /** Ask the service manager (the system root is the running system and its service manager is up). */
  live: boolean;
  posixModes: boolean;
  runner: ScheduleRunner;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function fileState(where: string, f: RecordedFile, posixModes: boolean): Promise<FileState> {
  try {
    const s = await lstat(where);
    if (!s.isFile()) return 'not-a-file';
    if (f.secret ? s.size === 0 : s.size !== f.bytes || (await sha256(where)) !== f.sha256) return 'changed';
    if (posixModes && octal(s.mode) !== f.mode) return 'mode';
    return 'ok';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

export async function scheduleStatus(req: StatusRequest): Promise<StatusResult> {
  const record = await readRecord(req.host(req.target.recordPath));
  if (!record) return { installed: false, record: null, files: [], services: [], ok: false };
  const files: FileStatus[] = [];
  for (const f of record.files) files.push({ path: req.host(f.path), state: await fileState(req.host(f.path), f, req.posixModes) });
  const services: ServiceStatus[] = [];
  if (req.live) {
    for (const q of req.target.queries()) {
      const answer = await req.runner(q.command.file, q.command.args)
        .then((r) => q.read(r))
        .catch((err: Error) => ({ value: `cannot ask: ${err.message}`, ok: false }));
      services.push({ name: q.name, property: q.property, ...answer });
    }
  }
  return { installed: true, record, files, services, ok: files.every((f) => f.state === 'ok') && services.every((s) => s.ok) };
}
