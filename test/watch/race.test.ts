// The race the watcher exists for: a CSE-like handler writes a script and settings per run, truncates older settings, deletes older downloads, then uninstalls. Every script and settings file of 100 runs must be preserved with exact bytes.
import { spawn } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDLER, scriptOf, settingsOf } from '../fixtures/fake-cse-handler.ts';
import { extractWithGnuTar, readManifest } from '../helpers/archive.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { startWatch } from '../helpers/watch-process.ts';
import { readFile } from 'node:fs/promises';

export async function raceOnce(runs: number, delayMs: number): Promise<{ scripts: number; settings: number; archives: number; summary: Record<string, unknown> | null }> {
  const work = await tempDir();
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
  expect(status, watch.stderr()).toBe(0);

  const preservedScripts = new Map<number, Set<string>>();
  const preservedSettings = new Map<number, Set<string>>();
  const archives = (await readdir(out)).filter((n) => n.endsWith('.tar.gz'));
  for (const [i, name] of archives.entries()) {
    const x = path.join(work, `x${i}`);
    await extractWithGnuTar(path.join(out, name), x);
    const manifest = await readManifest(x);
    for (const e of manifest.entries) {
      if (!e.archivePath) continue;
      const content = await readFile(path.join(x, e.archivePath), 'utf8');
      let m = /custom-script\/download\/(\d+)\/script\.sh$/.exec(e.path);
      if (m) preservedScripts.set(Number(m[1]), (preservedScripts.get(Number(m[1])) ?? new Set()).add(content));
      m = new RegExp(`${HANDLER.replace(/\./g, '\\.')}/config/(\\d+)\\.settings$`).exec(e.path);
      if (m) preservedSettings.set(Number(m[1]), (preservedSettings.get(Number(m[1])) ?? new Set()).add(content));
    }
  }
  let scripts = 0;
  let settings = 0;
  for (let seq = 0; seq < runs; seq++) {
    if (preservedScripts.get(seq)?.has(scriptOf(seq))) scripts += 1;
    if (preservedSettings.get(seq)?.has(settingsOf(seq))) settings += 1;
  }
  return { scripts, settings, archives: archives.length, summary };
}

describe('watch: race against a CSE-like handler', () => {
  it('preserves every script and settings file of 100 runs with exact bytes at a 500 ms deletion delay', async () => {
    const r = await raceOnce(100, 500);
    console.log(`race 100 runs @ 500 ms: scripts ${r.scripts}/100, settings ${r.settings}/100, ${r.archives} archives, watcher ${JSON.stringify(r.summary)}`);
    expect(r.scripts).toBe(100);
    expect(r.settings).toBe(100);
  }, 180_000);
});
