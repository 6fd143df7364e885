// Runs the built bundle (dist/cse-preserve.cjs) as a real process on the test's own Node, and parses its JSON summary line.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const BUNDLE = path.resolve('dist/cse-preserve.cjs');

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON (the summary), or null. */
  summary: Record<string, unknown> | null;
}

export function lastJsonLine(text: string): Record<string, unknown> | null {
  const line = text.trimEnd().split('\n').pop();
  if (!line) return null;
  try { return JSON.parse(line) as Record<string, unknown>; } catch { return null; }
}

/** `asNobody`: when the tests run as root, run the tool as uid/gid 65534 (setpriv) so permission refusals are real. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; asNobody?: boolean } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const dropPrivileges = options.asNobody && process.getuid?.() === 0;
    const [cmd, argv] = dropPrivileges
      ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, BUNDLE, ...args]]
      : [process.execPath, [BUNDLE, ...args]];
    const child = spawn(cmd, argv, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`cse-preserve ${args.join(' ')} timed out\n${stderr}`)); }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, summary: lastJsonLine(stdout) });
    });
    child.stdin.end(options.input ?? '');
  });
}
