// Reads a produced archive the way an analyst would: GNU tar extraction, the manifest from the archive, and hashes of extracted files.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Manifest } from '../../agent/manifest/types.ts';

export async function extractWithGnuTar(archive: string, into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  execFileSync('tar', ['-xf', archive, '-C', into], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function readManifest(extracted: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(extracted, 'manifest.json'), 'utf8')) as Manifest;
}

export async function sha256File(file: string | Buffer): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Every manifest entry with an archived regular file: its extracted bytes hash to the manifest's sha256 and have its size. */
export async function checkExtractedAgainstManifest(extracted: string, manifest: Manifest): Promise<number> {
  let checked = 0;
  for (const e of manifest.entries) {
    if (!e.archivePath || e.type !== 'file') continue;
    const file = path.join(extracted, e.archivePath);
    const digest = await sha256File(file);
    if (digest !== e.sha256) throw new Error(`extracted ${e.archivePath} hashes to ${digest}, manifest says ${e.sha256}`);
    checked += 1;
  }
  return checked;
}
