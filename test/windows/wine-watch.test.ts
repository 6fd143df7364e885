// The Windows watcher for real under Wine: node.exe runs `watch --os windows` on a C:\ tree while a CSE-like handler writes and deletes; every script and settings file is preserved byte for byte.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { psScriptOf, runFakeWindowsHandler, winSettingsOf } from '../fixtures/fake-windows-cse-handler.ts';
import { extractWithGnuTar, readManifest } from '../helpers/archive.ts';
import { BUNDLE } from '../helpers/run-cli.ts';
import { openWineBox, winPath, wineInstalled } from './wine-harness.ts';

const RUNS = 100;

describe.skipIf(!wineInstalled() && !process.env.CI)('Windows watcher under Wine', () => {
  it(`preserves every script.ps1 and settings file of ${RUNS} runs at a 500 ms deletion delay`, async () => {
    const box = await openWineBox('tree');
    const work = mkdtempSync(path.join(os.tmpdir(), 'wine-watch-'));
    const evidence = mkdtempSync(path.join(box.driveC, 'cse-preserve-watch-'));
    const root = path.join(evidence, 'vm');
    try {
      await mkdir(path.join(root, 'C/Packages/Plugins'), { recursive: true });
      await mkdir(path.join(root, 'C/WindowsAzure/Logs'), { recursive: true });
      const out = path.join(work, 'out');
      const logOut = openSync(path.join(work, 'stdout'), 'w');
      const logErr = openSync(path.join(work, 'stderr'), 'w');
      const child = spawn('wine', [box.nodeExe, winPath(BUNDLE), 'watch', '--os', 'windows', '--root', `C:\\${path.basename(evidence)}\\vm`,
        '--output-dir', winPath(out), '--state-file', winPath(path.join(work, 'state.json')), '--rescan-seconds', '2', '--stop-file', winPath(path.join(work, 'stop'))],
      { stdio: ['ignore', logOut, logErr], env: { ...process.env, ...box.env } });
      closeSync(logOut);
      closeSync(logErr);
      const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      for (let i = 0; i < 300 && !readFileSync(path.join(work, 'stderr'), 'utf8').includes('watching'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(readFileSync(path.join(work, 'stderr'), 'utf8')).toContain('watching');
      await runFakeWindowsHandler(root, RUNS, 500);
      writeFileSync(path.join(work, 'stop'), '');
      expect(await exited, readFileSync(path.join(work, 'stderr'), 'utf8')).toBe(0);
      const lines = readFileSync(path.join(work, 'stdout'), 'utf8').trim().split(/\r?\n/);
      const summary = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
      console.log(`Wine watcher: ${JSON.stringify(summary)}`);
      expect(summary).toMatchObject({ status: 'stopped', signal: 'stop-file', failures: 0 });

      const scripts = new Set<number>();
      const settings = new Set<number>();
      for (const name of (await readdir(out)).filter((n) => n.endsWith('.tar.gz'))) {
        const x = path.join(work, 'x', name);
        await extractWithGnuTar(path.join(out, name), x);
        const manifest = await readManifest(x);
        expect(manifest.tool.target).toBe('win32-x64');
        for (const e of manifest.entries) {
          if (!e.archivePath) continue;
          const content = await readFile(path.join(x, e.archivePath), 'utf8');
          const s = /\\Downloads\\(\d+)\\script\.ps1$/.exec(e.path);
          if (s && content === psScriptOf(Number(s[1]))) scripts.add(Number(s[1]));
          const c = /\\RuntimeSettings\\(\d+)\.settings$/.exec(e.path);
          if (c && content === winSettingsOf(Number(c[1]))) settings.add(Number(c[1]));
        }
      }
      expect(scripts.size).toBe(RUNS);
      expect(settings.size).toBe(RUNS);
    } finally {
      box.stop();
      rmSync(evidence, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});
