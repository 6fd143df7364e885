// The systemd units of a Linux installation: the always-running watcher, the periodic collection service and its timer.
import { systemdTimespan } from './interval.ts';
import type { ScheduleSpec } from './schedule-target.ts';

export const WATCH_SERVICE = 'cse-preserve-watch.service';
export const COLLECT_SERVICE = 'cse-preserve-collect.service';
export const COLLECT_TIMER = 'cse-preserve-collect.timer';

export interface LinuxLivePaths {
  binary: string;
  sasFile: string;
  stateDir: string;
  stateFile: string;
  queueDir: string;
}

/**
 * One ExecStart= word: quoted when needed, with `\` and `"` escaped, `%` doubled (specifiers) and `$` doubled
 * (environment substitution), so a value reaches the program exactly as given.
 */
export function systemdWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The credential flags shared by watch and collect: `--sas-file <file>` or `--managed-identity [clientId]`. */
export function credentialArgs(spec: ScheduleSpec, sasFile: string): string[] {
  if (spec.credential.kind === 'sas-file') return ['--sas-file', sasFile];
  return spec.credential.clientId ? ['--managed-identity', spec.credential.clientId] : ['--managed-identity'];
}

export function watchArgs(spec: ScheduleSpec, p: { sasFile: string; stateFile: string; queueDir: string }): string[] {
  return ['watch', '--container-url', spec.containerUrl, ...credentialArgs(spec, p.sasFile), '--state-file', p.stateFile, '--queue-dir', p.queueDir];
}

export function collectArgs(spec: ScheduleSpec, p: { sasFile: string }): string[] {
  return ['collect', '--container-url', spec.containerUrl, ...credentialArgs(spec, p.sasFile)];
}

const execLine = (binary: string, args: readonly string[]): string => [binary, ...args].map(systemdWord).join(' ');

const HEADER = '# Written by cse-preserve schedule install; removed by cse-preserve schedule uninstall.\n';

/**
 * The watcher. Hardened without hiding evidence: the whole file system stays readable (ProtectSystem=strict only makes
 * it read-only; no capability bounding set, which O_NOATIME on others' files and root-only files need), only its
 * state directory is writable, and it runs at idle I/O and low CPU priority so it never competes with the workload.
 */
export function watchService(spec: ScheduleSpec, p: LinuxLivePaths): string {
  return `${HEADER}[Unit]
Description=cse-preserve: watch the Azure extension folders and preserve new evidence as it appears
Wants=network-online.target
After=network-online.target
StartLimitIntervalSec=0

[Service]
Type=simple
ExecStart=${execLine(p.binary, watchArgs(spec, p))}
Restart=always
RestartSec=10s
NoNewPrivileges=yes
PrivateTmp=yes
ProtectHome=read-only
ProtectSystem=strict
ReadWritePaths=${p.stateDir}
UMask=0077
Nice=10
CPUQuota=25%
IOSchedulingClass=idle
MemoryHigh=512M

[Install]
WantedBy=multi-user.target
`;
}

/**
 * One full collection. No PrivateTmp and no read-only /var or /mnt here: when the upload fails the archives go to
 * the fallback directory (the resource disk, else the temp dir), which must outlive the run. Best-effort I/O at the
 * lowest priority rather than idle, so a busy disk cannot starve it past its 80 minutes.
 */
export function collectService(spec: ScheduleSpec, p: LinuxLivePaths): string {
  return `${HEADER}[Unit]
Description=cse-preserve: collect the Azure extension evidence into the container (run by ${COLLECT_TIMER})
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${execLine(p.binary, collectArgs(spec, p))}
TimeoutStartSec=80min
NoNewPrivileges=yes
ProtectHome=read-only
ProtectSystem=full
UMask=0077
Nice=10
CPUQuota=50%
IOSchedulingClass=best-effort
IOSchedulingPriority=7
`;
}

export function collectTimer(spec: ScheduleSpec): string {
  return `${HEADER}[Unit]
Description=cse-preserve: collect the Azure extension evidence every ${systemdTimespan(spec.intervalSeconds)}

[Timer]
OnBootSec=5min
OnUnitActiveSec=${systemdTimespan(spec.intervalSeconds)}
Persistent=true
Unit=${COLLECT_SERVICE}

[Install]
WantedBy=timers.target
`;
}
