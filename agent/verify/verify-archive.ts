// Proves an archive with nothing but the archive: recomputes every member's hashes and checks them, the member list and the archive's completeness against its manifest.
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tarStream from 'tar-stream';
import { MultiHash, HASH_ALGORITHMS } from '../engine/multi-hash.ts';
import type { Manifest } from '../manifest/types.ts';
import { ZstdFramesDecompress } from './zstd-frames.ts';

export interface VerifyReport {
  ok: boolean;
  archive: string;
  archiveSha256: string;
  /** Result of comparing with `<archive>.sha256` when that sidecar exists. */
  sidecar: 'match' | 'mismatch' | 'absent';
  members: number;
  filesChecked: number;
  errors: string[];
}

interface MemberFacts { type: string; size: number; digests: Record<string, string> }

const TRAILER = ['manifest.json', 'manifest.csv', 'bodyfile.txt', 'collection.log'];

function decompressorFor(first: Buffer): Transform | null {
  if (first[0] === 0x1f && first[1] === 0x8b) return zlib.createGunzip();
  if (first.readUInt32LE(0) === 0xfd2fb528) return new ZstdFramesDecompress();
  return null;
}

async function firstBytes(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf;
  } finally {
    await fh.close();
  }
}

export async function verifyArchive(path: string): Promise<VerifyReport> {
  const errors: string[] = [];
  const members = new Map<string, MemberFacts>();
  let manifestText: string | null = null;
  const archiveHash = createHash('sha256');

  const tap = new Transform({ transform(chunk: Buffer, _e, cb) { archiveHash.update(chunk); cb(null, chunk); } });
  const extract = tarStream.extract();
  extract.on('entry', (header, stream, next) => {
    const name = header.name;
    if (members.has(name)) errors.push(`duplicate member ${name}`);
    const hash = new MultiHash(HASH_ALGORITHMS);
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: unknown) => {
      if (!Buffer.isBuffer(c)) return;
      hash.update(c);
      size += c.length;
      if (name === 'manifest.json') chunks.push(c);
    });
    stream.on('end', () => {
      members.set(name, { type: header.type ?? 'file', size, digests: hash.digest() });
      if (name === 'manifest.json') manifestText = Buffer.concat(chunks).toString('utf8');
      next();
    });
    stream.on('error', next);
  });

  const source: Readable = createReadStream(path);
  const decompressor = decompressorFor(await firstBytes(path));
  try {
    const stages: (Readable | Transform)[] = [source, tap];
    if (decompressor) stages.push(decompressor);
    await pipeline([...stages, extract] as unknown as [Readable, ...Transform[]]);
  } catch (err) {
    errors.push(`archive is not whole: ${(err as Error).message}`);
  }

  let filesChecked = 0;
  if (manifestText === null) {
    errors.push('manifest.json is missing');
  } else {
    let manifest: Manifest | null = null;
    try { manifest = JSON.parse(manifestText) as Manifest; } catch (err) { errors.push(`manifest.json does not parse: ${(err as Error).message}`); }
    if (manifest) {
      const listed = new Set<string>();
      for (const entry of manifest.entries) {
        if (!entry.archivePath) continue;
        listed.add(entry.archivePath);
        const member = members.get(entry.archivePath);
        if (!member) { errors.push(`missing from archive: ${entry.archivePath}`); continue; }
        if (entry.type !== 'file') continue;
        filesChecked += 1;
        if (member.size !== entry.size) errors.push(`size mismatch: ${entry.archivePath} archive ${member.size} manifest ${entry.size}`);
        for (const algo of HASH_ALGORITHMS) {
          const expected = entry[algo];
          if (expected && member.digests[algo] !== expected) errors.push(`${algo} mismatch: ${entry.archivePath}`);
        }
      }
      for (const name of members.keys()) {
        if (name.startsWith('fs/') && !listed.has(name)) errors.push(`archive member not in manifest: ${name}`);
      }
      for (const name of TRAILER) if (!members.has(name)) errors.push(`${name} is missing`);
    }
  }

  const archiveSha256 = archiveHash.digest('hex');
  let sidecar: VerifyReport['sidecar'] = 'absent';
  const sidecarText = await readFile(`${path}.sha256`, 'utf8').catch(() => null);
  if (sidecarText !== null) {
    sidecar = sidecarText.trim().split(/\s+/)[0] === archiveSha256 ? 'match' : 'mismatch';
    if (sidecar === 'mismatch') errors.push(`archive sha256 ${archiveSha256} differs from ${path}.sha256`);
  }
  return { ok: errors.length === 0, archive: path, archiveSha256, sidecar, members: members.size, filesChecked, errors };
}
