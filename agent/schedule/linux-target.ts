// The Linux installation: the binary under /usr/local/lib, config and SAS under /etc/cse-preserve, systemd units, state under /var/lib.
import { configJson } from './config-file.ts';
import { collectService, collectTimer, COLLECT_SERVICE, COLLECT_TIMER, watchService, WATCH_SERVICE, type LinuxLivePaths } from './systemd-units.ts';
import type { ScheduleTarget, ServiceQuery } from './schedule-target.ts';

const UNIT_DIR = 'etc/systemd/system';
const rel = {
  binary: 'usr/local/lib/cse-preserve/cse-preserve',
  config: 'etc/cse-preserve/config.json',
  sas: 'etc/cse-preserve/sas',
  record: 'etc/cse-preserve/installed.json',
  stateDir: 'var/lib/cse-preserve',
};
const livePath = (r: string): string => `/${r}`;

export const LINUX_PATHS: LinuxLivePaths = {
  binary: livePath(rel.binary),
  sasFile: livePath(rel.sas),
  stateDir: livePath(rel.stateDir),
  stateFile: `${livePath(rel.stateDir)}/state.json`,
  queueDir: `${livePath(rel.stateDir)}/queue`,
};

/** The units `enable --now` starts: the watcher and the timer (the timer starts the collection service). */
const ENABLED_UNITS = [WATCH_SERVICE, COLLECT_TIMER];

const answer = (stdout: string, healthy: string): { value: string; ok: boolean } => {
  const value = stdout.trim().split('\n')[0]?.trim() || 'unknown';
  return { value, ok: value === healthy };
};

export const linuxTarget: ScheduleTarget = {
  os: 'linux',
  recordPath: rel.record,
  dirs: [
    { path: 'usr/local/lib/cse-preserve', mode: 0o755 },
    { path: 'etc/cse-preserve', mode: 0o755 },
    // The watcher's state and queue hold copies of evidence (scripts may embed secrets): root only.
    { path: rel.stateDir, mode: 0o700 },
  ],
  files(spec, inputs) {
    return [
      { path: rel.binary, mode: 0o755, content: { copyFrom: inputs.binary } },
      { path: rel.config, mode: 0o644, content: configJson('linux', spec, LINUX_PATHS) },
      ...(inputs.sas ? [{ path: rel.sas, mode: 0o600, content: inputs.sas, secret: true }] : []),
      { path: `${UNIT_DIR}/${WATCH_SERVICE}`, mode: 0o644, content: Buffer.from(watchService(spec, LINUX_PATHS)) },
      { path: `${UNIT_DIR}/${COLLECT_SERVICE}`, mode: 0o644, content: Buffer.from(collectService(spec, LINUX_PATHS)) },
      { path: `${UNIT_DIR}/${COLLECT_TIMER}`, mode: 0o644, content: Buffer.from(collectTimer(spec)) },
    ];
  },
  livePath,
  looksExecutable: (head) => head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) || head.subarray(0, 2).toString('latin1') === '#!',
  activate: () => [
    { file: 'systemctl', args: ['daemon-reload'] },
    { file: 'systemctl', args: ['enable', '--now', ...ENABLED_UNITS] },
  ],
  deactivate: () => [
    { file: 'systemctl', args: ['disable', '--now', ...ENABLED_UNITS] },
    // A collection the timer started may still be running; it would go on with a deleted binary.
    { file: 'systemctl', args: ['stop', COLLECT_SERVICE] },
  ],
  afterRemoval: () => [{ file: 'systemctl', args: ['daemon-reload'] }],
  protect: () => [],
  queries: () => ENABLED_UNITS.flatMap((unit): ServiceQuery[] => [
    { name: unit, property: 'active', command: { file: 'systemctl', args: ['is-active', unit] }, read: (r) => answer(r.stdout, 'active') },
    { name: unit, property: 'enabled', command: { file: 'systemctl', args: ['is-enabled', unit] }, read: (r) => answer(r.stdout, 'enabled') },
  ]),
};
