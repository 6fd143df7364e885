// Runs systemctl, schtasks and icacls without a shell and reports the exit code; injectable so tests never touch the real service manager.
import { execFile } from 'node:child_process';

export interface CommandResult {
  /** The exit code, or null when the command was killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Resolves with the result whatever the exit code; rejects only when the command cannot be started. */
export type ScheduleRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

const TIMEOUT_MS = 120_000;

export const execScheduleRunner: ScheduleRunner = (file, args) => new Promise((resolve, reject) => {
  execFile(file, [...args], { timeout: TIMEOUT_MS, windowsHide: true, encoding: 'utf8', maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
    if (err && typeof err.code === 'string') {
      reject(new Error(`cannot run ${file}: ${err.code}`));
      return;
    }
    resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
  });
});

/** `systemctl enable --now a b` for messages. */
export const commandLine = (file: string, args: readonly string[]): string => [file, ...args].join(' ');
