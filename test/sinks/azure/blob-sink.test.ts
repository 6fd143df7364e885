// The blob sink on its own against Azurite: no overwrite on a name clash, deterministic block ids, and a 2 GiB collection with bounded memory.
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { AnonymousCredential, ContainerClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { BlobSink } from '../../../agent/sinks/azure/blob-sink.ts';
import { blockId } from '../../../agent/sinks/azure/block-uploader.ts';
import { containerWithSas, serviceClient } from '../../helpers/azurite.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const endpoint = () => process.env.AZURITE_ENDPOINT!;

function sinkFor(container: { url: string; sas: string }, folder: string, log: string[] = []): BlobSink {
  return new BlobSink({
    container: new ContainerClient(`${container.url}?${container.sas}`, new AnonymousCredential(), { retryOptions: { maxTries: 1 } }),
    containerUrl: container.url, folder, blockSize: 1024 * 1024, concurrency: 2,
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, attemptTimeoutMs: 10_000 },
    metadata: (name, d) => ({ sha256: d.sha256, archive: name }),
    log: (m) => log.push(m),
  });
}

async function upload(sink: BlobSink, name: string, data: Buffer) {
  const target = await sink.open(name);
  target.stream.end(data);
  await new Promise((r) => target.stream.once('finish', r));
  return target.commit({ sha256: 'a'.repeat(64), bytes: data.length });
}

describe('BlobSink', () => {
  it('never overwrites an existing blob: a second commit under the same name is refused (409)', async () => {
    const container = await containerWithSas(endpoint(), 'sink-clash');
    const sink = sinkFor(container, 'case1');
    await upload(sink, 'tier0.tar.gz', Buffer.alloc(3 * 1024 * 1024 + 5, 1));
    await expect(upload(sink, 'tier0.tar.gz', Buffer.from('attacker-controlled replacement'))).rejects.toMatchObject({ statusCode: 409 });
    const props = await serviceClient(endpoint()).getContainerClient('sink-clash').getBlobClient('case1/tier0.tar.gz').getProperties();
    expect(props.contentLength).toBe(3 * 1024 * 1024 + 5);
  });

  it('uses same-length deterministic block ids', () => {
    expect(blockId(0)).toHaveLength(blockId(49_999).length);
    expect(blockId(7)).toBe(blockId(7));
  });

  it('uploads a 2 GiB collection with peak RSS under 150 MB', async () => {
    const work = await tempDir();
    const dir = path.join(work, 'root/var/log/azure/custom-script');
    await mkdir(dir, { recursive: true });
    for (const i of [0, 1]) {
      const fh = await open(path.join(dir, `handler.log.${i}`), 'w');
      for (let at = 0; at < 1024 ** 3; at += 64 * 1024 * 1024) await fh.write(Buffer.from(`block ${i}:${at}\n`), 0, undefined, at);
      await fh.truncate(1024 ** 3);
      await fh.close();
    }
    const container = await containerWithSas(endpoint(), 'sink-big');
    const started = Date.now();
    const run = await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--compress', 'none', '--no-imds', '--container-url', container.url],
      { env: { CSE_PRESERVE_SAS: container.sas }, timeoutMs: 600_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(run.status, run.stderr).toBe(0);
    const summary = run.summary as { bytes: number; peakRssBytes: number; archives: { name: string; bytes: number }[] };
    expect(summary.bytes).toBe(2 * 1024 ** 3);
    expect(summary.peakRssBytes).toBeLessThan(150 * 1024 * 1024);
    console.log(`2 GiB upload to Azurite: ${(2048 / seconds).toFixed(1)} MiB/s, peak RSS ${(summary.peakRssBytes / 1048576).toFixed(1)} MiB`);
  }, 600_000);
});
