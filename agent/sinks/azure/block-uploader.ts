// A Writable that cuts the archive stream into fixed-size blocks and stages them with bounded concurrency, per-block MD5 and retries; memory is block size × (concurrency + 1).
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { BlockBlobClient } from '@azure/storage-blob';
import { BufferPool } from '../../engine/buffer-pool.ts';
import { withRetry, type RetryPolicy } from './retry.ts';

/** Azure's limit on blocks per blob. */
export const MAX_BLOCKS = 50_000;

export interface BlockUploaderOptions {
  blockSize: number;
  concurrency: number;
  retry: RetryPolicy;
  onRetry?: (what: string, error: unknown, delayMs: number) => void;
}

/** Same-length, deterministic block ids: re-staging the same id after a failure is idempotent. */
export const blockId = (index: number): string => Buffer.from(`cse-preserve-block-${index.toString().padStart(6, '0')}`).toString('base64');

export class BlockUploader extends Writable {
  readonly blockIds: string[] = [];
  private readonly client: BlockBlobClient;
  private readonly options: BlockUploaderOptions;
  private current: Buffer | null = null;
  private filled = 0;
  private readonly inFlight = new Set<Promise<void>>();
  /** Block buffers, shared by the archives of a run and reused once staged, so memory stays flat instead of waiting for the GC. */
  private readonly blocks: BufferPool;
  private failure: Error | null = null;
  stagedBytes = 0;

  constructor(client: BlockBlobClient, options: BlockUploaderOptions) {
    super({ highWaterMark: 1024 * 1024 });
    this.client = client;
    this.options = options;
    this.blocks = BufferPool.shared(options.blockSize, options.concurrency + 1);
  }

  private dispatch(block: Buffer): void {
    const index = this.blockIds.length;
    if (index >= MAX_BLOCKS) throw new Error(`archive exceeds ${MAX_BLOCKS} blocks of ${this.options.blockSize} bytes; use a larger --block-size`);
    const id = blockId(index);
    this.blockIds.push(id);
    const md5 = createHash('md5').update(block).digest();
    const task = withRetry(async (abortSignal) => {
      const res = await this.client.stageBlock(id, block, block.length, { transactionalContentMD5: md5, abortSignal });
      if (res.contentMD5 && !Buffer.from(res.contentMD5).equals(md5)) {
        throw Object.assign(new Error(`block ${index}: service MD5 differs from the MD5 sent`), { statusCode: 500 });
      }
    }, this.options.retry, (r) => this.options.onRetry?.(`block ${index}`, r.error, r.delayMs))
      .then(() => {
        this.stagedBytes += block.length;
        this.blocks.release(block);
      })
      .catch((err: Error) => { this.failure ??= err; })
      .finally(() => { this.inFlight.delete(task); });
    this.inFlight.add(task);
  }

  private async waitForRoom(): Promise<void> {
    while (this.inFlight.size >= this.options.concurrency) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    (async () => {
      if (this.failure) throw this.failure;
      let offset = 0;
      while (offset < chunk.length) {
        this.current ??= this.blocks.acquire();
        const n = Math.min(chunk.length - offset, this.current.length - this.filled);
        chunk.copy(this.current, this.filled, offset, offset + n);
        this.filled += n;
        offset += n;
        if (this.filled === this.current.length) {
          await this.waitForRoom();
          this.dispatch(this.current);
          this.current = null;
          this.filled = 0;
        }
      }
    })().then(() => callback(), (err: Error) => callback(err));
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      if (this.filled > 0 || this.blockIds.length === 0) {
        await this.waitForRoom();
        this.dispatch(Buffer.from(this.current ? this.current.subarray(0, this.filled) : Buffer.alloc(0)));
        if (this.current) this.blocks.release(this.current);
        this.current = null;
      }
      while (this.inFlight.size > 0) await Promise.race(this.inFlight);
      if (this.failure) throw this.failure;
    })().then(() => callback(), (err: Error) => callback(err));
  }
}
