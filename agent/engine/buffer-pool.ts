// A small pool of fixed-size read buffers, returned once the next stage has consumed them, so memory stays flat instead of waiting on the garbage collector.
const shared = new Map<string, BufferPool>();

export class BufferPool {
  /** One pool per (size, capacity) for the whole process: consecutive archives of a run reuse the same buffers. */
  static shared(size: number, capacity: number): BufferPool {
    const key = `${size}:${capacity}`;
    let pool = shared.get(key);
    if (!pool) { pool = new BufferPool(size, capacity); shared.set(key, pool); }
    return pool;
  }

  private readonly size: number;
  private readonly capacity: number;
  private readonly free: Buffer[] = [];
  /** Pool buffers by their backing store: a chunk handed on is a view (subarray) of one of them. */
  private readonly owned = new WeakMap<ArrayBufferLike, Buffer>();

  constructor(size: number, capacity: number) {
    this.size = size;
    this.capacity = capacity;
  }

  /** A buffer of `size` bytes; a fresh one when every pooled buffer is still in use. */
  acquire(): Buffer {
    const buf = this.free.pop();
    if (buf) return buf;
    const fresh = Buffer.allocUnsafeSlow(this.size);
    this.owned.set(fresh.buffer, fresh);
    return fresh;
  }

  /** Called when a chunk (or a view of a pool buffer) has been fully consumed; anything else is ignored. */
  release(chunk: Buffer): void {
    const buf = this.owned.get(chunk.buffer);
    if (buf && this.free.length < this.capacity && !this.free.includes(buf)) this.free.push(buf);
  }
}
