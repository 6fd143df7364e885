// Runs a Windows command-line tool (reg, wevtutil) with a timeout and no shell; injectable so its callers are tested with a fake.
import { execFile } from 'node:child_process';

export interface CommandOutput { stdout: string; stderr: string }

/** Resolves with the output of a zero exit; rejects on a non-zero exit, a timeout or a spawn failure. */
export type CommandRunner = (file: string, args: readonly string[], timeoutMs: number) => Promise<CommandOutput>;

export const execFileRunner: CommandRunner = (file, args, timeoutMs) => new Promise((resolve, reject) => {
  execFile(file, [...args], { timeout: timeoutMs, windowsHide: true, encoding: 'utf8', maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
    if (err) {
      const detail = (stderr || stdout).trim().split(/\r?\n/)[0];
      reject(Object.assign(err, { message: `${file} ${args[0] ?? ''} failed: ${err.killed ? `timed out after ${timeoutMs} ms` : err.message.split('\n')[0]}${detail ? ` (${detail})` : ''}` }));
      return;
    }
    resolve({ stdout, stderr });
  });
});
