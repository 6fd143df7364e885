// Decompresses a stream of concatenated zstd frames: Node's zstd decompressor stops after the first frame, so frames are split here (RFC 8878 §3.1) and decoded one by one.
import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

const MAGIC = 0xfd2fb528;
const isSkippable = (magic: number) => (magic & 0xfffffff0) >>> 0 === 0x184d2a50;

/** Length of the frame at the start of `buf`, or null when `buf` does not hold all of it yet. Throws on a malformed frame. */
export function zstdFrameLength(buf: Buffer): number | null {
  if (buf.length < 8) return null;
  const magic = buf.readUInt32LE(0);
  if (isSkippable(magic)) {
    const total = 8 + buf.readUInt32LE(4);
    return buf.length >= total ? total : null;
  }
  if (magic !== MAGIC) throw new Error('not a zstd frame (bad magic)');
  const fhd = buf[4]!;
  const singleSegment = (fhd >> 5) & 1;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6]!;
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  let pos = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
  for (;;) {
    if (buf.length < pos + 3) return null;
    const header = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new Error('zstd block of reserved type');
    pos += 3 + (type === 1 ? 1 : size);
    if (last) break;
  }
  if ((fhd >> 2) & 1) pos += 4;
  return buf.length >= pos ? pos : null;
}

interface ZstdSync { zstdDecompressSync(buf: Buffer): Buffer }

export class ZstdFramesDecompress extends Transform {
  private pending: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
      for (let len = zstdFrameLength(this.pending); len !== null; len = zstdFrameLength(this.pending)) {
        const frame = this.pending.subarray(0, len);
        if (frame.readUInt32LE(0) === MAGIC) this.push((zlib as unknown as ZstdSync).zstdDecompressSync(frame));
        this.pending = this.pending.subarray(len);
      }
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.pending.length ? new Error(`zstd stream ends inside a frame (${this.pending.length} bytes left)`) : null);
  }
}
