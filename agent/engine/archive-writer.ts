// Writes the tar archive (tar-stream, pax headers where ustar cannot hold a name, size or id), compresses it and hashes what leaves for the sink.
import { createHash } from 'node:crypto';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tarStream from 'tar-stream';

type TarHeader = Parameters<ReturnType<typeof tarStream.pack>['entry']>[0];

export type Compression = 'gzip' | 'none';
export const COMPRESSIONS: readonly Compression[] = ['gzip', 'none'];
/** gzip level 1: about twice the speed of level 6 for ~15% larger output; speed decides how much evidence leaves before it is destroyed. */
export const DEFAULT_GZIP_LEVEL = 1;

export const archiveExtension = (compression: Compression): string => (compression === 'gzip' ? '.tar.gz' : '.tar');

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

  constructor(target: Writable, compression: Compression, level = DEFAULT_GZIP_LEVEL) {
    const compressor = compression === 'gzip' ? zlib.createGzip({ level }) : new Transform({ transform: (c, _e, cb) => cb(null, c) });
    const tap = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.digest.update(chunk);
        this.bytes += chunk.length;
        cb(null, chunk);
      },
    });
    this.pack.on('error', (err: Error) => compressor.destroy(err));
    this.pack.pipe(compressor);
    this.flowing = pipeline(compressor, tap, target).catch((err: Error) => {
      this.failure = err;
      this.pack.destroy(err);
      throw err;
    });
    this.flowing.catch(() => undefined);
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
