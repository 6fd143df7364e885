// Directory sink: each archive becomes a new file in one directory (created if needed, never overwriting), each with its sha256 sidecar.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CollectorError } from '../errors.ts';
import { FileSink } from './file-sink.ts';
import { CHECKSUMS_NAME, type ArchiveSink, type SinkTarget } from './sink.ts';

export class DirectorySink implements ArchiveSink {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  async open(name: string): Promise<SinkTarget> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      throw new CollectorError('CSE_OUTPUT_INVALID', `cannot create directory ${this.dir}: ${err.code}`, 'choose a writable directory outside the evidence', { cause: err });
    });
    return new FileSink(path.join(this.dir, name), { sidecar: name !== CHECKSUMS_NAME }).open();
  }
}
