// File sink: writes the archive to a local file (never overwriting one) plus a `sha256sum -c` sidecar, or to standard output for `-`.
import { createWriteStream } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { CollectorError } from '../errors.ts';
import type { ArchiveSink, SinkTarget } from './sink.ts';

export class FileSink implements ArchiveSink {
  /** `output` is a file path, or `-` for standard output. */
  private readonly output: string;
  private readonly sidecar: boolean;

  /** `sidecar`: also write `<file>.sha256` in `sha256sum -c` format (default). */
  constructor(output: string, options: { sidecar?: boolean } = {}) {
    this.output = output;
    this.sidecar = options.sidecar ?? true;
  }

  async open(): Promise<SinkTarget> {
    if (this.output === '-') {
      const stream = createWriteStream('', { fd: 1, autoClose: false });
      return {
        destination: 'stdout',
        stream,
        commit: async (digest) => ({ location: 'stdout', sha256: digest.sha256, bytes: digest.bytes, extras: [] }),
        abort: async () => null,
      };
    }
    const file = path.resolve(this.output);
    const stream = createWriteStream(file, { flags: 'wx' });
    try {
      await once(stream, 'open');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EEXIST') throw new CollectorError('CSE_OUTPUT_EXISTS', `output ${file} already exists`, 'choose a new --output path; an existing archive is never overwritten', { cause: e });
      throw new CollectorError('CSE_OUTPUT_INVALID', `cannot create output ${file}: ${e.code ?? e.message}`, 'check that the directory exists and is writable', { cause: e });
    }
    return {
      destination: file,
      stream,
      commit: async (digest) => {
        if (!this.sidecar) return { location: file, sha256: digest.sha256, bytes: digest.bytes, extras: [] };
        const sidecar = `${file}.sha256`;
        await writeFile(sidecar, `${digest.sha256}  ${path.basename(file)}\n`, { flag: 'wx' });
        return { location: file, sha256: digest.sha256, bytes: digest.bytes, extras: [sidecar] };
      },
      abort: async () => {
        stream.destroy();
        const partial = `${file}.partial`;
        await rename(file, partial).catch(() => undefined);
        return partial;
      },
    };
  }
}
