// Runs `cse-preserve watch` (the built bundle) as a real background process and stops it with SIGTERM, collecting its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { BUNDLE } from './run-cli.ts';

export interface WatchProcess { child: ChildProcess; stdout: () => string; stderr: () => string; stop(): Promise<{ status: number | null; summary: Record<string, unknown> | null }> }

export async function startWatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<WatchProcess> {
  const child = spawn(process.execPath, [BUNDLE, 'watch', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => { out += c; });
  child.stderr!.on('data', (c: Buffer) => { err += c; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  for (let i = 0; i < 200 && !err.includes('watching'); i++) {
    if (child.exitCode !== null) throw new Error(`watch exited early (${child.exitCode}): ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!err.includes('watching')) throw new Error(`watch did not start: ${err}`);
  return {
    child, stdout: () => out, stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      const status = await exited;
      const line = out.trim().split('\n').pop();
      return { status, summary: line ? (JSON.parse(line) as Record<string, unknown>) : null };
    },
  };
}
