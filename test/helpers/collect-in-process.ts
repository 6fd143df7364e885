// Runs the engine in-process on a tree with the Linux platform, writing an uncompressed or gzip archive to a file; for tests that race the reader.
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { collect, type CollectOptions, type CollectResult } from '../../agent/engine/collect.ts';
import { CollectionLog } from '../../agent/engine/collection-log.ts';
import { linuxPlatform } from '../../agent/linux/platform.ts';

export async function collectInProcess(root: string, out: string, extra: Partial<CollectOptions> = {}): Promise<CollectResult> {
  return collect({
    platform: linuxPlatform,
    root: path.resolve(root),
    target: createWriteStream(out, { flags: 'wx' }),
    compression: 'gzip',
    hashes: [],
    includeKeys: false,
    destination: out,
    tool: { name: 'cse-preserve', version: 'test', commit: 'test', target: 'test', executable: 'test', executableSha256: null, runtime: process.version },
    log: new CollectionLog(),
    ...extra,
  });
}
