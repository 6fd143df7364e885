// The watcher across restarts (nothing preserved twice) and across a storage outage (archives queue locally and go up when the container is back).
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLinuxVmTree } from '../fixtures/linux-azure-vm.ts';
import { containerWithSas, serviceClient, startAzurite } from '../helpers/azurite.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { startWatch } from '../helpers/watch-process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const archivesIn = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.tar\.gz$/.test(n));

describe('watch state and queue', () => {
  it('remembers what it preserved across restarts and sends only what changed', async () => {
    const work = await tempDir();
    const root = path.join(work, 'root');
    await buildLinuxVmTree(root);
    const out = path.join(work, 'out');
    const args = ['--root', root, '--os', 'linux', '--output-dir', out, '--state-file', path.join(work, 'st', 'state.json'), '--rescan-seconds', '1', '--settle-ms', '100'];

    let w = await startWatch(args);
    await sleep(1500);
    const first = await w.stop();
    expect(first.status).toBe(0);
    const files = first.summary!.files as number;
    expect(files).toBeGreaterThan(40); // every tier-0 file of the demo tree, captured at start-up by the first rescan
    expect(await archivesIn(out)).toHaveLength(first.summary!.archives as number);

    w = await startWatch(args);
    await sleep(1500);
    const second = await w.stop();
    expect(second.summary).toMatchObject({ archives: 0, files: 0, statePreserved: first.summary!.statePreserved });

    w = await startWatch(args);
    await writeFile(path.join(root, 'var/lib/waagent/custom-script/download/3/stdout'), 'changed after the restart\n');
    await sleep(1500);
    const third = await w.stop();
    expect(third.summary).toMatchObject({ files: 1 });
  }, 60_000);

  it('queues archives while the container is down and uploads them when it is back', async () => {
    const work = await tempDir();
    const root = path.join(work, 'root');
    const dl = path.join(root, 'var/lib/waagent/custom-script/download/0');
    await mkdir(dl, { recursive: true });
    await mkdir(path.join(root, 'var/log/azure'), { recursive: true });
    const azurite = await startAzurite();
    let restarted: Awaited<ReturnType<typeof startAzurite>> | undefined;
    try {
      const container = await containerWithSas(azurite.endpoint, 'watchq');
      const queue = path.join(work, 'queue');
      const w = await startWatch(['--root', root, '--os', 'linux', '--container-url', container.url, '--state-file', path.join(work, 'st', 'state.json'),
        '--queue-dir', queue, '--rescan-seconds', '1', '--settle-ms', '100', '--upload-retries', '2', '--upload-attempt-timeout', '2'], { CSE_PRESERVE_SAS: container.sas });
      await azurite.stop({ keepData: true });
      await writeFile(path.join(dl, 'script.sh'), 'echo while storage was down\n');
      // The archive is in the queue once its commit (sidecar, state) is done and the watcher says so.
      for (let i = 0; i < 100 && !w.stdout().includes('"event":"queued"'); i++) await sleep(200);
      expect(w.stdout()).toContain('"event":"queued"');
      expect(await archivesIn(queue)).toHaveLength(1);

      restarted = await startAzurite(azurite.port, azurite.location);
      for (let i = 0; i < 100 && (await archivesIn(queue)).length > 0; i++) await sleep(200);
      expect(await archivesIn(queue)).toHaveLength(0);
      const { status } = await w.stop();
      expect(status).toBe(0);
      const names: string[] = [];
      for await (const b of serviceClient(restarted.endpoint).getContainerClient('watchq').listBlobsFlat()) names.push(b.name);
      expect(names.some((n) => /\/watch\/watch-.*\.tar\.gz$/.test(n))).toBe(true);
    } finally {
      await restarted?.stop();
      await azurite.stop();
    }
  }, 90_000);
});
