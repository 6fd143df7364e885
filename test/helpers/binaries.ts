// Paths of the single binaries built by `npm run build:binary` (npm test builds them first).
import { existsSync } from 'node:fs';
import path from 'node:path';

export const BIN_DIR = path.resolve('dist/bin');
export const binaryPath = (target: 'linux-x64' | 'linux-arm64' | 'win-x64') =>
  path.join(BIN_DIR, `cse-preserve-${target}${target === 'win-x64' ? '.exe' : ''}`);

export function requireBinary(target: 'linux-x64' | 'linux-arm64' | 'win-x64'): string {
  const file = binaryPath(target);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build:binary (npm test does)`);
  return file;
}
