// The Windows installation: the exe under Program Files, config, SAS, task XML and state under ProgramData (SYSTEM and Administrators only), two Scheduled Tasks.
import { configJson } from './config-file.ts';
import { liveDrivePaths } from './host-paths.ts';
import { collectArgs, watchArgs } from './systemd-units.ts';
import type { ScheduleTarget, ServiceQuery } from './schedule-target.ts';
import { collectTaskXml, COLLECT_TASK, encodeTaskXml, watchTaskXml, WATCH_TASK } from './task-xml.ts';

const DATA = 'C/ProgramData/cse-preserve';
const rel = {
  binary: 'C/Program Files/cse-preserve/cse-preserve.exe',
  config: `${DATA}/config.json`,
  sas: `${DATA}/sas`,
  record: `${DATA}/installed.json`,
  tasks: `${DATA}/tasks`,
  stateDir: `${DATA}/state`,
};
const taskFile = (name: string): string => `${rel.tasks}/${name}.xml`;

/** `C/Program Files/x` -> `C:\Program Files\x`. */
const livePath = liveDrivePaths;

export const WINDOWS_PATHS = {
  binary: livePath(rel.binary),
  sasFile: livePath(rel.sas),
  stateFile: `${livePath(rel.stateDir)}\\state.json`,
  queueDir: `${livePath(rel.stateDir)}\\queue`,
};

/** Well-known SIDs, not names: "SYSTEM" and "Administrators" are translated on localized Windows. */
const SYSTEM = '*S-1-5-18';
const ADMINISTRATORS = '*S-1-5-32-544';

/** The CSV row of `schtasks /Query /TN x /FO CSV /NH`: "TaskName","Next Run Time","Status". */
function taskStatus(stdout: string): string {
  const row = stdout.trim().split(/\r?\n/).pop() ?? '';
  const fields = [...row.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  return fields[2] || 'unknown';
}

export const windowsTarget: ScheduleTarget = {
  os: 'windows',
  recordPath: rel.record,
  dirs: [
    { path: 'C/Program Files/cse-preserve', mode: 0o755 },
    // Holds the SAS and, under state/, copies of evidence: its ACL is reset before anything is written into it.
    { path: DATA, mode: 0o700, protect: true },
    { path: rel.tasks, mode: 0o700 },
    { path: rel.stateDir, mode: 0o700 },
  ],
  files(spec, inputs) {
    const task = (name: string, description: string, args: string[]) => ({ name, description, command: WINDOWS_PATHS.binary, args });
    const watch = task(WATCH_TASK, 'cse-preserve: watch the Azure extension folders and preserve new evidence as it appears', watchArgs(spec, WINDOWS_PATHS));
    const collect = task(COLLECT_TASK, 'cse-preserve: collect the Azure extension evidence into the container', collectArgs(spec, WINDOWS_PATHS));
    return [
      { path: rel.binary, mode: 0o755, content: { copyFrom: inputs.binary } },
      { path: rel.config, mode: 0o600, content: configJson('windows', spec, WINDOWS_PATHS) },
      ...(inputs.sas ? [{ path: rel.sas, mode: 0o600, content: inputs.sas, secret: true }] : []),
      { path: taskFile(WATCH_TASK), mode: 0o600, content: encodeTaskXml(watchTaskXml(watch, spec.now)), textEncoding: 'utf16le' as const },
      { path: taskFile(COLLECT_TASK), mode: 0o600, content: encodeTaskXml(collectTaskXml(collect, spec.intervalSeconds, spec.now)), textEncoding: 'utf16le' as const },
    ];
  },
  livePath,
  looksExecutable: (head) => head.subarray(0, 2).toString('latin1') === 'MZ',
  activate: (host) => [
    { file: 'schtasks', args: ['/Create', '/TN', WATCH_TASK, '/XML', host(taskFile(WATCH_TASK)), '/F'] },
    { file: 'schtasks', args: ['/Create', '/TN', COLLECT_TASK, '/XML', host(taskFile(COLLECT_TASK)), '/F'] },
    { file: 'schtasks', args: ['/Run', '/TN', WATCH_TASK] },
  ],
  deactivate: () => [
    // Deleting a task does not stop its running instance, which would keep the exe locked.
    { file: 'schtasks', args: ['/End', '/TN', WATCH_TASK] },
    { file: 'schtasks', args: ['/End', '/TN', COLLECT_TASK] },
    { file: 'schtasks', args: ['/Delete', '/TN', WATCH_TASK, '/F'] },
    { file: 'schtasks', args: ['/Delete', '/TN', COLLECT_TASK, '/F'] },
  ],
  afterRemoval: () => [],
  protect: (hostPath, kind) => [{
    file: 'icacls',
    args: kind === 'dir'
      ? [hostPath, '/inheritance:r', '/grant:r', `${SYSTEM}:(OI)(CI)F`, `${ADMINISTRATORS}:(OI)(CI)F`]
      : [hostPath, '/inheritance:r', '/grant:r', `${SYSTEM}:F`, `${ADMINISTRATORS}:F`],
  }],
  queries: () => [WATCH_TASK, COLLECT_TASK].map((name): ServiceQuery => ({
    name, property: 'task', command: { file: 'schtasks', args: ['/Query', '/TN', name, '/FO', 'CSV', '/NH'] },
    // The status word is localized ("Ready", "Bereit"): a registered task is what status checks.
    read: (r) => (r.code === 0 ? { value: taskStatus(r.stdout), ok: true } : { value: 'not registered', ok: false }),
  })),
};
