// The Windows Scheduled Tasks (Task Scheduler 1.2 XML, UTF-16 LE with a BOM as schtasks and Task Scheduler's own export use): the watcher at boot and the periodic collection, both as SYSTEM.
import { isoDuration } from './interval.ts';

export const WATCH_TASK = 'cse-preserve-watch';
export const COLLECT_TASK = 'cse-preserve-collect';

/** The watcher is started again this often if it is not running (IgnoreNew keeps one instance): Restart=always for Task Scheduler. */
export const WATCH_RESTART_CHECK = 'PT5M';
/** The collection is stopped after 80 minutes, like the Run Command bootstrap, so one stuck run cannot block the next. */
export const COLLECT_TIME_LIMIT = 'PT80M';

export interface TaskSpec {
  name: string;
  description: string;
  /** The executable's live path, unquoted like the built-in tasks' (`C:\Program Files\...`: Command is a path, not a command line). */
  command: string;
  args: readonly string[];
}

/** Escapes element text (the documents put no generated value in an attribute). */
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One argument as CommandLineToArgvW and the C runtime read it back: quoted when it has spaces or quotes, backslashes doubled before a quote. */
export function windowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') { backslashes++; continue; }
    out += ch === '"' ? `${'\\'.repeat(backslashes * 2 + 1)}"` : `${'\\'.repeat(backslashes)}${ch}`;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

/** `2025-03-01T12:05:00+00:00`: Task Scheduler's dateTime with an explicit offset, seconds precision. */
export const taskDateTime = (d: Date): string => `${d.toISOString().slice(0, 19)}+00:00`;

function taskXml(task: TaskSpec, triggers: string, settings: string): string {
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Author>cse-preserve</Author>
    <Description>${escapeXml(task.description)}</Description>
    <URI>\\${escapeXml(task.name)}</URI>
  </RegistrationInfo>
  <Triggers>
${triggers}  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>S-1-5-18</UserId>
      <LogonType>ServiceAccount</LogonType>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <AllowHardTerminate>true</AllowHardTerminate>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <IdleSettings>
      <StopOnIdleEnd>false</StopOnIdleEnd>
      <RestartOnIdle>false</RestartOnIdle>
    </IdleSettings>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
    <RunOnlyIfIdle>false</RunOnlyIfIdle>
    <WakeToRun>false</WakeToRun>
${settings}    <Priority>7</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${escapeXml(task.command)}</Command>
      <Arguments>${escapeXml(task.args.map(windowsArg).join(' '))}</Arguments>
    </Exec>
  </Actions>
</Task>
`;
}

/**
 * The watcher: starts at boot, runs without a time limit (PT0S), restarts after a failed start, and a 5-minute
 * repetition (ignored while it runs) starts it again if it exited: Task Scheduler's RestartOnFailure covers only
 * launch failures, not a process that exits.
 */
export function watchTaskXml(task: TaskSpec, now: Date): string {
  const triggers = `    <BootTrigger>
      <Enabled>true</Enabled>
    </BootTrigger>
    <TimeTrigger>
      <Enabled>true</Enabled>
      <StartBoundary>${taskDateTime(now)}</StartBoundary>
      <Repetition>
        <Interval>${WATCH_RESTART_CHECK}</Interval>
        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
    </TimeTrigger>
`;
  const settings = `    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>255</Count>
    </RestartOnFailure>
`;
  return taskXml(task, triggers, settings);
}

/** The collection: 5 minutes after boot and every interval from 5 minutes after installation; a missed run starts when the machine is back (StartWhenAvailable). */
export function collectTaskXml(task: TaskSpec, intervalSeconds: number, now: Date): string {
  const triggers = `    <BootTrigger>
      <Enabled>true</Enabled>
      <Delay>PT5M</Delay>
    </BootTrigger>
    <TimeTrigger>
      <Enabled>true</Enabled>
      <StartBoundary>${taskDateTime(new Date(now.getTime() + 5 * 60_000))}</StartBoundary>
      <Repetition>
        <Interval>${isoDuration(intervalSeconds)}</Interval>
        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
    </TimeTrigger>
`;
  const settings = `    <ExecutionTimeLimit>${COLLECT_TIME_LIMIT}</ExecutionTimeLimit>
`;
  return taskXml(task, triggers, settings);
}

/** UTF-16 LE with a byte-order mark and CRLF line ends, the form Task Scheduler exports and `schtasks /Create /XML` reads. */
export function encodeTaskXml(xml: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml.replace(/\r?\n/g, '\r\n'), 'utf16le')]);
}

export function decodeTaskXml(bytes: Buffer): string {
  const body = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2) : bytes;
  return body.toString('utf16le');
}
