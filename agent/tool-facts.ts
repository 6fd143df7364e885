// Facts about this tool for the manifest: version and commit baked in at build time, the running executable and its SHA-256.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { ToolFacts } from './manifest/types.ts';

declare const __CSE_PRESERVE_VERSION__: string | undefined;
declare const __CSE_PRESERVE_COMMIT__: string | undefined;

export const TOOL_NAME = 'cse-preserve';
export const TOOL_VERSION = typeof __CSE_PRESERVE_VERSION__ === 'string' ? __CSE_PRESERVE_VERSION__ : '0.0.0-dev';
export const TOOL_COMMIT = typeof __CSE_PRESERVE_COMMIT__ === 'string' ? __CSE_PRESERVE_COMMIT__ : 'unknown';
export const TOOL_TARGET = `${process.platform}-${process.arch}`;

function isSingleExecutable(): boolean {
  try {
    // node:sea exists on Node >= 20; isSea() is true inside a single executable application.
    return (process as unknown as { getBuiltinModule?(m: string): { isSea?(): boolean } }).getBuiltinModule?.('node:sea')?.isSea?.() ?? false;
  } catch {
    return false;
  }
}

/** The file whose code is running: the single binary itself, or the bundle given to node. */
export const runningExecutable = (): string => (isSingleExecutable() ? process.execPath : (process.argv[1] ?? process.execPath));

async function sha256File(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
    return hash.digest('hex');
  } catch {
    return null;
  }
}

export async function toolFacts(): Promise<ToolFacts> {
  const executable = runningExecutable();
  return {
    name: TOOL_NAME,
    version: TOOL_VERSION,
    commit: TOOL_COMMIT,
    target: TOOL_TARGET,
    executable,
    executableSha256: await sha256File(executable),
    runtime: `node ${process.version}${isSingleExecutable() ? ' (single executable)' : ''}`,
  };
}
