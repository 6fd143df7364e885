// Compresses a byte stream on every core: cuts it into blocks, compresses each as an independent gzip member or zstd frame on libuv's thread pool, and emits them in order.
import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { BufferPool } from './buffer-pool.ts';

export type BlockCodec = 'gzip' | 'zstd';

interface ZstdZlib {
  createZstdCompress(opts: { params: Record<number, number> }): zlib.Gzip;
  constants: Record<string, number>;
}

export const zstdAvailable = (): boolean => typeof (zlib as unknown as Partial<ZstdZlib>).createZstdCompress === 'function';

/** One long-lived compressor per slot: a fresh context per block costs ~90 MB of RSS in malloc arenas for zstd (bench/). */
interface Slot { stream: zlib.Gzip; endFrame: number; resetAfter: boolean }

function createSlot(codec: BlockCodec, level: number): Slot {
  if (codec === 'gzip') return { stream: zlib.createGzip({ level }), endFrame: zlib.constants.Z_FINISH, resetAfter: true };
  if (!zstdAvailable()) throw new Error('zstd needs Node >= 22.15 (the shipped binary has it)');
  const z = zlib as unknown as ZstdZlib;
  const params = { [z.constants.ZSTD_c_compressionLevel!]: level, [z.constants.ZSTD_c_checksumFlag!]: 1 };
  return { stream: z.createZstdCompress({ params }), endFrame: z.constants.ZSTD_e_end!, resetAfter: false };
}

/** Compresses one block into one complete gzip member / zstd frame on `slot`, which must be idle. */
function compressOn(slot: Slot, block: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    const onError = (err: Error) => { cleanup(); reject(err); };
    const cleanup = () => { slot.stream.off('data', onData); slot.stream.off('error', onError); };
    slot.stream.on('data', onData);
    slot.stream.on('error', onError);
    slot.stream.write(block);
    slot.stream.flush(slot.endFrame, () => {
      cleanup();
      // deflate ends the member at Z_FINISH; reset starts the next one with a fresh gzip header. zstd starts a new frame by itself.
      if (slot.resetAfter) (slot.stream as zlib.Gzip & { reset(): void }).reset();
      resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * Concatenated gzip members (RFC 1952 §2.2) and concatenated zstd frames are each one valid stream for gzip, zstd, GNU tar,
 * bsdtar and 7-Zip. Memory: blockSize × (inFlight + 1) of input plus the compressed blocks waiting their turn.
 */
export class BlockCompressor extends Transform {
  private readonly slots: Slot[];
  private readonly blockSize: number;
  private block: Buffer | null = null;
  private filled = 0;
  private dispatched = 0;
  private readonly queue: Promise<Buffer>[] = [];
  /** Input blocks, shared by the archives of a run and reused once compressed instead of left to the garbage collector. */
  private readonly blocks: BufferPool;

  constructor(codec: BlockCodec, level: number, options: { blockSize?: number; inFlight?: number } = {}) {
    super({ readableHighWaterMark: 1024 * 1024 });
    this.blockSize = options.blockSize ?? 2 * 1024 * 1024;
    this.slots = Array.from({ length: options.inFlight ?? 3 }, () => createSlot(codec, level));
    this.blocks = BufferPool.shared(this.blockSize, this.slots.length + 1);
  }

  private dispatch(data: Buffer): void {
    // Block n goes to slot n mod slots: drainTo keeps fewer than `slots` blocks queued, so that slot's previous block is done.
    const slot = this.slots[this.dispatched++ % this.slots.length]!;
    const job = compressOn(slot, data).then((out) => {
      this.blocks.release(data);
      return out;
    });
    job.catch(() => undefined);
    this.queue.push(job);
  }

  /** Pushes finished blocks in order; waits for the oldest while `keep` or more are still queued. */
  private async drainTo(keep: number): Promise<void> {
    while (this.queue.length > keep) this.push(await this.queue.shift()!);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    (async () => {
      let offset = 0;
      while (offset < chunk.length) {
        this.block ??= this.blocks.acquire();
        const n = Math.min(chunk.length - offset, this.blockSize - this.filled);
        chunk.copy(this.block, this.filled, offset, offset + n);
        this.filled += n;
        offset += n;
        if (this.filled === this.blockSize) {
          this.dispatch(this.block);
          this.block = null;
          this.filled = 0;
          await this.drainTo(this.slots.length - 1);
        }
      }
    })().then(() => callback(), (err: Error) => callback(err));
  }

  override _flush(callback: TransformCallback): void {
    (async () => {
      if (this.block && this.filled > 0) this.dispatch(this.block.subarray(0, this.filled));
      await this.drainTo(0);
      for (const s of this.slots) s.stream.close();
    })().then(() => callback(), (err: Error) => callback(err));
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    for (const s of this.slots) s.stream.destroy();
    callback(err);
  }
}
