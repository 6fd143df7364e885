// Concatenated zstd frames decode whole, whatever the chunking; truncated or foreign data is an error, never silently short.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZstdFramesDecompress, zstdFrameLength } from '../../agent/verify/zstd-frames.ts';

const z = zlib as unknown as { zstdCompressSync(b: Buffer, o?: object): Buffer; constants: Record<string, number> };
const frames = [Buffer.from('a'.repeat(300_000)), Buffer.from('log line\n'.repeat(20_000)), Buffer.from('tail')];
const compressed = frames.map((f, i) => z.zstdCompressSync(f, { params: { [z.constants.ZSTD_c_checksumFlag!]: i % 2 } }));

async function decode(input: Buffer, chunk: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  const src = Readable.from((function* () { for (let i = 0; i < input.length; i += chunk) yield input.subarray(i, i + chunk); })());
  const d = new ZstdFramesDecompress();
  d.on('data', (c: Buffer) => parts.push(c));
  await pipeline(src, d);
  return Buffer.concat(parts);
}

describe('ZstdFramesDecompress', () => {
  it('measures each frame exactly', () => {
    for (const c of compressed) expect(zstdFrameLength(Buffer.concat([c, Buffer.alloc(10)]))).toBe(c.length);
    expect(zstdFrameLength(compressed[0]!.subarray(0, compressed[0]!.length - 1))).toBeNull();
  });

  it.each([1, 7, 4096, 1 << 20])('decodes all frames with %i-byte chunks', async (chunk) => {
    expect((await decode(Buffer.concat(compressed), chunk)).equals(Buffer.concat(frames))).toBe(true);
  });

  it('rejects a stream cut inside a frame and a stream that is not zstd', async () => {
    const all = Buffer.concat(compressed);
    await expect(decode(all.subarray(0, all.length - 3), 1024)).rejects.toThrow(/ends inside a frame/);
    await expect(decode(Buffer.from('not zstd at all'), 1024)).rejects.toThrow(/bad magic/);
  });
});
