// The watcher's local upload queue: archives that could not be uploaded wait in a bounded directory and are sent again (then deleted) once the container answers.
import { createReadStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { CollectorError } from '../errors.ts';
import { DirectorySink } from '../sinks/directory-sink.ts';
import type { ArchiveSink, SinkTarget } from '../sinks/sink.ts';

const ARCHIVE = /\.tar(\.gz|\.zst)?$/;

async function queuedBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let total = 0;
  for (const n of names) total += (await stat(path.join(dir, n)).catch(() => ({ size: 0 }))).size;
  return total;
}

/** A directory sink that refuses new archives once the queue holds `maxBytes`. */
export class BoundedQueueSink implements ArchiveSink {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly inner: DirectorySink;

  constructor(dir: string, maxBytes: number) {
    this.dir = path.resolve(dir);
    this.maxBytes = maxBytes;
    this.inner = new DirectorySink(this.dir);
  }

  async open(name: string): Promise<SinkTarget> {
    const used = await queuedBytes(this.dir);
    if (used >= this.maxBytes) throw new CollectorError('CSE_SINK_FAILED', `upload queue ${this.dir} is full (${used} of ${this.maxBytes} bytes)`, 'free the container connection or raise --max-queue-mib');
    return this.inner.open(name);
  }
}

/** Sends every queued archive to `sink` in name order (oldest first); each is deleted only after its commit. Returns how many were sent. */
export async function drainQueue(dir: string, sink: ArchiveSink, log: (m: string) => void): Promise<number> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => ARCHIVE.test(n)).sort();
  let sent = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const target = await sink.open(name);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await pipeline(createReadStream(file), new Transform({ transform(c: Buffer, _e, cb) { hash.update(c); bytes += c.length; cb(null, c); } }), target.stream);
      const receipt = await target.commit({ sha256: hash.digest('hex'), bytes });
      await rm(file);
      await rm(`${file}.sha256`, { force: true });
      log(`uploaded queued ${name} to ${receipt.location}`);
      sent += 1;
    } catch (err) {
      await target.abort(err as Error).catch(() => null);
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      // The name exists already: an earlier drain committed it and stopped before deleting. Never overwrite; set it aside.
      await rename(file, `${file}.already-in-container`).catch(() => undefined);
      log(`queued ${name} already exists in the container; kept locally as ${name}.already-in-container`);
    }
  }
  return sent;
}
