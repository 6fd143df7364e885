// Per-test (or, from beforeAll, per-file) temporary folders, removed afterwards unless KEEP_TEST_ROOT=1 (then their paths are printed).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const fileScoped: string[] = [];

async function remove(dir: string): Promise<void> {
  if (process.env.KEEP_TEST_ROOT === '1') console.log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}

// Folders made outside a test (in beforeAll) go when the test file ends.
afterAll(async () => { for (const dir of fileScoped.splice(0)) await remove(dir); });

export async function tempDir(prefix = 'csep-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    onTestFinished(() => remove(dir));
  } catch {
    fileScoped.push(dir);
  }
  return dir;
}
