// One race of `cse-preserve watch` against the simulated CSE handler: how many runs' scripts and settings were preserved byte for byte. Shared by the race test and bench:watch.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HANDLER, scriptOf, settingsOf } from '../fixtures/fake-cse-handler.ts';
import { extractWithGnuTar, readManifest } from './archive.ts';
import { startWatch } from './watch-process.ts';

export interface RaceResult { scripts: number; settings: number; archives: number; status: number | null; summary: Record<string, unknown> | null; stderr: string }

export async function raceOnce(runs: number, delayMs: number): Promise<RaceResult> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'watch-race-'));
  try {
    const root = path.join(work, 'root');
    await mkdir(path.join(root, 'var/lib/waagent'), { recursive: true });
    await mkdir(path.join(root, 'var/log/azure'), { recursive: true });
    const out = path.join(work, 'out');
    const watch = await startWatch(['--root', root, '--os', 'linux', '--output-dir', out, '--state-file', path.join(work, 'state', 'state.json'), '--rescan-seconds', '5']);
    // The handler is a separate process, like the real one.
    await new Promise<void>((resolve, reject) => {
      const h = spawn(process.execPath, [path.resolve('test/fixtures/fake-cse-handler.ts'), root, String(runs), String(delayMs)], { stdio: 'inherit' });
      h.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`handler exit ${code}`))));
    });
    const { status, summary } = await watch.stop();
    const scripts = new Set<number>();
    const settings = new Set<number>();
    const settingsPath = new RegExp(`${HANDLER.replace(/\./g, '\\.')}/config/(\\d+)\\.settings$`);
    const archives = (await readdir(out).catch(() => [] as string[])).filter((n) => n.endsWith('.tar.gz'));
    for (const name of archives) {
      const x = path.join(work, 'x', name);
      await extractWithGnuTar(path.join(out, name), x);
      for (const e of (await readManifest(x)).entries) {
        if (!e.archivePath) continue;
        const content = await readFile(path.join(x, e.archivePath), 'utf8');
        const s = /custom-script\/download\/(\d+)\/script\.sh$/.exec(e.path);
        if (s && content === scriptOf(Number(s[1]))) scripts.add(Number(s[1]));
        const c = settingsPath.exec(e.path);
        if (c && content === settingsOf(Number(c[1]))) settings.add(Number(c[1]));
      }
    }
    return { scripts: scripts.size, settings: settings.size, archives: archives.length, status, summary, stderr: watch.stderr() };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
