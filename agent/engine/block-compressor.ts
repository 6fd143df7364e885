// Compresses a byte stream on every core: cuts it into blocks, compresses each as an independent gzip member or zstd frame on libuv's thread pool, and emits them in order.
import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

export type BlockCodec = 'gzip' | 'zstd';

type Compress = (block: Buffer) => Promise<Buffer>;

interface ZstdZlib {
  zstdCompress(buf: Buffer, opts: { params: Record<number, number> }, cb: (err: Error | null, out: Buffer) => void): void;
  constants: Record<string, number>;
}

export const zstdAvailable = (): boolean => typeof (zlib as unknown as Partial<ZstdZlib>).zstdCompress === 'function';

function compressorFor(codec: BlockCodec, level: number): Compress {
  if (codec === 'gzip') {
    return (block) => new Promise((resolve, reject) => zlib.gzip(block, { level }, (err, out) => (err ? reject(err) : resolve(out))));
  }
  const z = zlib as unknown as ZstdZlib;
  if (!zstdAvailable()) throw new Error('zstd needs Node >= 22.15 (the shipped binary has it)');
  const params = { [z.constants.ZSTD_c_compressionLevel!]: level, [z.constants.ZSTD_c_checksumFlag!]: 1 };
  return (block) => new Promise((resolve, reject) => z.zstdCompress(block, { params }, (err, out) => (err ? reject(err) : resolve(out))));
}

/**
 * Concatenated gzip members (RFC 1952 §2.2) and concatenated zstd frames are each one valid stream for gzip, zstd, GNU tar,
 * bsdtar and 7-Zip. Memory: blockSize × (inFlight + 1) of input plus the compressed blocks waiting their turn.
 */
export class BlockCompressor extends Transform {
  private readonly compress: Compress;
  private readonly blockSize: number;
  private readonly inFlight: number;
  private block: Buffer;
  private filled = 0;
  private readonly queue: Promise<Buffer>[] = [];
  /** Input blocks whose compression finished, reused instead of left to the garbage collector. */
  private readonly free: Buffer[] = [];

  constructor(codec: BlockCodec, level: number, options: { blockSize?: number; inFlight?: number } = {}) {
    super({ readableHighWaterMark: 1024 * 1024 });
    this.compress = compressorFor(codec, level);
    this.blockSize = options.blockSize ?? 4 * 1024 * 1024;
    this.inFlight = options.inFlight ?? 4;
    this.block = Buffer.allocUnsafe(this.blockSize);
  }

  private dispatch(data: Buffer): void {
    const job = this.compress(data).then((out) => {
      if (data.length === this.blockSize) this.free.push(data);
      return out;
    });
    job.catch(() => undefined);
    this.queue.push(job);
  }

  /** Pushes finished blocks in order; waits for the oldest while `keep` or more are still queued. */
  private async drainTo(keep: number): Promise<void> {
    while (this.queue.length > keep) {
      const out = await this.queue.shift()!;
      this.push(out);
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    (async () => {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(chunk.length - offset, this.blockSize - this.filled);
        chunk.copy(this.block, this.filled, offset, offset + n);
        this.filled += n;
        offset += n;
        if (this.filled === this.blockSize) {
          this.dispatch(this.block);
          this.block = this.free.pop() ?? Buffer.allocUnsafe(this.blockSize);
          this.filled = 0;
          await this.drainTo(this.inFlight - 1);
        }
      }
    })().then(() => callback(), (err: Error) => callback(err));
  }

  override _flush(callback: TransformCallback): void {
    (async () => {
      if (this.filled > 0) this.dispatch(this.block.subarray(0, this.filled));
      await this.drainTo(0);
    })().then(() => callback(), (err: Error) => callback(err));
  }
}
