// Writes the tar archive (tar-stream, pax headers where ustar cannot hold a name, size or id), compresses it and hashes what leaves for the sink.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Transform, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { BlockCompressor } from './block-compressor.ts';
import { BufferPool } from './buffer-pool.ts';

/** Size of one file read; read buffers come from the writer's pool. */
export const READ_CHUNK = 1024 * 1024;

type TarHeader = Parameters<ReturnType<typeof tarStream.pack>['entry']>[0];

export type Compression = 'gzip' | 'zstd' | 'none';
export const COMPRESSIONS: readonly Compression[] = ['gzip', 'zstd', 'none'];
/** Default levels, chosen by measurement (README, bench/): speed decides how much evidence leaves before it is destroyed. */
export const DEFAULT_LEVEL: Record<Exclude<Compression, 'none'>, number> = { gzip: 1, zstd: 1 };

export const archiveExtension = (compression: Compression): string => ({ gzip: '.tar.gz', zstd: '.tar.zst', none: '.tar' })[compression];

export interface MemberMeta {
  size?: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
}

const USTAR_MAX_SIZE = 8 ** 11 - 1;
const USTAR_MAX_ID = 8 ** 7 - 1;

function header(name: string, type: 'file' | 'directory', meta: MemberMeta): TarHeader {
  const pax: Record<string, string> = {};
  const size = meta.size ?? 0;
  if (size > USTAR_MAX_SIZE) pax.size = String(size);
  if (meta.uid > USTAR_MAX_ID) pax.uid = String(meta.uid);
  if (meta.gid > USTAR_MAX_ID) pax.gid = String(meta.gid);
  const h: TarHeader = {
    name, type, size, mode: meta.mode & 0o7777,
    uid: meta.uid > USTAR_MAX_ID ? 0 : meta.uid,
    gid: meta.gid > USTAR_MAX_ID ? 0 : meta.gid,
    mtime: meta.mtime,
  };
  if (Object.keys(pax).length > 0) h.pax = pax;
  return h;
}

export interface ArchiveDigest { sha256: string; bytes: number }

export class ArchiveWriter {
  private readonly pack = tarStream.pack();
  private readonly digest = createHash('sha256');
  private bytes = 0;
  private readonly flowing: Promise<void>;
  private failure: Error | null = null;
  /** Read buffers for file content, recycled once the first stage after the tar packer has consumed them. */
  readonly pool = BufferPool.shared(READ_CHUNK, 8);

  constructor(target: Writable, compression: Compression, level?: number) {
    const count = (chunk: Buffer) => { this.digest.update(chunk); this.bytes += chunk.length; };
    let first: Writable;
    let rest: Promise<void>;
    if (compression !== 'none') {
      const compressor = new BlockCompressor(compression, level ?? DEFAULT_LEVEL[compression]);
      const tap = new Transform({ transform: (chunk: Buffer, _enc, cb) => { count(chunk); cb(null, chunk); } });
      first = compressor;
      rest = pipeline(compressor, tap, target);
    } else {
      first = target;
      rest = Promise.resolve();
    }
    this.flowing = Promise.all([this.pump(first, compression === 'none' ? count : null), rest]).then(() => undefined).catch((err: Error) => {
      this.failure ??= err;
      this.pack.destroy(err);
      first.destroy(err);
      throw err;
    });
    this.flowing.catch(() => undefined);
  }

  /** Moves packed bytes into the first stage, with backpressure, handing each read buffer back to the pool once that stage has consumed it. */
  private async pump(first: Writable, count: ((chunk: Buffer) => void) | null): Promise<void> {
    const failed = new Promise<never>((_, reject) => { first.once('error', reject); });
    failed.catch(() => undefined);
    for await (const chunk of this.pack as unknown as AsyncIterable<Buffer>) {
      count?.(chunk);
      if (!first.write(chunk, () => this.pool.release(chunk))) {
        await Promise.race([once(first, 'drain'), failed]);
      }
    }
    first.end();
    await Promise.race([finished(first), failed]);
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /** Adds a regular file member of exactly `meta.size` bytes; `body` must write exactly that many. */
  async addFile(name: string, meta: MemberMeta, body: (write: (chunk: Buffer) => Promise<void>) => Promise<void>): Promise<void> {
    this.check();
    let entryError: Error | null | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      const entry = this.pack.entry(header(name, 'file', meta), (err) => (err ? reject(err) : resolve()));
      const write = async (chunk: Buffer): Promise<void> => {
        this.check();
        if (!entry.write(chunk)) {
          await new Promise<void>((res, rej) => {
            const onDrain = () => { cleanup(); res(); };
            const onError = (e: Error) => { cleanup(); rej(e); };
            const cleanup = () => { entry.off('drain', onDrain); entry.off('error', onError); };
            entry.on('drain', onDrain);
            entry.on('error', onError);
          });
        }
      };
      body(write).then(() => { (entry as NodeJS.WritableStream).end(); }, (err: Error) => { entryError = err; entry.destroy(err); });
    });
    await finished.catch((err: Error) => { throw entryError ?? this.failure ?? err; });
  }

  async addDirectory(name: string, meta: MemberMeta): Promise<void> {
    this.check();
    const dirName = name.endsWith('/') ? name : `${name}/`;
    await new Promise<void>((resolve, reject) => {
      this.pack.entry(header(dirName, 'directory', { ...meta, size: 0 }), (err) => (err ? reject(err) : resolve()));
    });
  }

  async addBuffer(name: string, data: Buffer, mtime: Date): Promise<void> {
    await this.addFile(name, { size: data.length, mode: 0o644, uid: 0, gid: 0, mtime }, async (write) => write(data));
  }

  /** Ends the archive and waits until the sink has every byte. */
  async finish(): Promise<ArchiveDigest> {
    this.check();
    this.pack.finalize();
    await this.flowing;
    return { sha256: this.digest.digest('hex'), bytes: this.bytes };
  }

  abort(err: Error): void {
    this.pack.destroy(err);
  }
}
