// Picks the Linux fallback directory: Azure's temporary resource disk (/mnt/resource or /mnt) when it is a separate mount from the evidence, else the temp dir.
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const isSeparateMount = (dir: string, evidenceRoot: string): boolean => {
  try {
    const st = statSync(dir);
    return st.isDirectory() && st.dev !== statSync(path.dirname(dir)).dev && st.dev !== statSync(evidenceRoot).dev;
  } catch {
    return false;
  }
};

export function linuxFallbackDir(root: string): string {
  return ['/mnt/resource', '/mnt'].find((d) => isSeparateMount(d, root)) ?? os.tmpdir();
}
