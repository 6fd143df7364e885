// Per-test temporary folders, removed after the test unless KEEP_TEST_ROOT=1 (then their paths are printed).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

export async function tempDir(prefix = 'csep-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  onTestFinished(async () => {
    if (process.env.KEEP_TEST_ROOT === '1') console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  });
  return dir;
}
