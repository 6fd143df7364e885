// An in-memory stdout/stderr pair for running the CLI in-process and reading what it printed.
import { Writable } from 'node:stream';
import type { CliIo } from '../../agent/cli/io.ts';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
  /** stdout's last line parsed as JSON (the summary). */
  summary(): Record<string, unknown>;
}

function sink(chunks: string[]): Writable {
  return new Writable({ write(chunk: Buffer | string, _enc, done) { chunks.push(chunk.toString()); done(); } });
}

export function captureIo(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: sink(out),
    stderr: sink(err),
    out: () => out.join(''),
    err: () => err.join(''),
    summary: () => JSON.parse(out.join('').trimEnd().split('\n').pop() ?? 'null') as Record<string, unknown>,
  };
}
