// The Windows build on a Windows runtime: node.exe under Wine collects a C:\ tree, and GNU tar on Linux checks the archive against the manifest and the fixture.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../agent/manifest/types.ts';
import { buildWindowsVmTree, EVTX_DIR, LARGE_PLUGIN_FILE, UNCATALOGUED, type WindowsVmTree } from '../fixtures/windows-azure-vm.ts';
import { extractWithGnuTar, readManifest } from '../helpers/archive.ts';
import { BUNDLE, lastJsonLine } from '../helpers/run-cli.ts';
import { checkExtractedFiles, displayOf } from './archive-check.ts';
import { holdExclusively, installFakeWevtutil, openWineBox, winPath, wineInstalled, type RunResult, type WineBox } from './wine-harness.ts';

// Without Wine the suite fails in CI (the Windows build would be untested) and skips locally.
describe.skipIf(!wineInstalled() && !process.env.CI)('Windows build under Wine: collect a C:\\ tree', () => {
  let box: WineBox;
  let work: string;
  let evidence: string;
  let tree: WindowsVmTree;
  let rootArg: string;
  let run: RunResult;
  let manifest: Manifest;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => box.node([winPath(BUNDLE), ...args], env);

  beforeAll(async () => {
    box = await openWineBox('tree');
    work = mkdtempSync(path.join(os.tmpdir(), 'wine-tree-'));
    // The evidence sits inside the prefix's own C: drive, so the tool reads it through Windows paths.
    evidence = mkdtempSync(path.join(box.driveC, 'cse-preserve-wine-'));
    tree = buildWindowsVmTree(path.join(evidence, 'vm1'));
    rootArg = `C:\\${path.basename(evidence)}\\vm1`;
    run = cli(['collect', '--os', 'windows', '--root', rootArg, '--output', winPath(path.join(work, 'w.tar.gz'))]);
    await extractWithGnuTar(path.join(work, 'w.tar.gz'), path.join(work, 'x'));
    manifest = await readManifest(path.join(work, 'x'));
  }, 300_000);

  afterAll(() => {
    box?.stop();
    if (evidence) rmSync(evidence, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('runs as win32-x64 and ends stdout with an ok summary line', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = lastJsonLine(run.stdout)!;
    expect(summary).toMatchObject({ status: 'ok', archive: winPath(path.join(work, 'w.tar.gz')), problems: [] });
    expect(summary.files).toBe(manifest.entries.filter((e) => e.type === 'file' && e.archivePath).length);
    expect(summary.bytes).toBe(manifest.entries.reduce((n, e) => n + (e.type === 'file' && e.archivePath ? e.size! : 0), 0));
    expect(manifest.tool).toMatchObject({ target: 'win32-x64', runtime: 'node v22.23.3', executable: winPath(BUNDLE) });
    expect(manifest.host).toMatchObject({ os: 'windows', arch: 'x64', machineId: null, evidenceSystem: { hostname: null, machineId: null, osRelease: null } });
    expect(manifest).toMatchObject({ os: 'windows', root: rootArg });
  });

  it('archives exactly the catalogued fixture files, byte for byte, as the manifest says', async () => {
    const archived = await checkExtractedFiles(path.join(work, 'x'), manifest, tree.byPath);
    const expected = tree.files.map((f) => f.path).filter((p) => !UNCATALOGUED.includes(p) && p !== LARGE_PLUGIN_FILE);
    expect(archived.map((e) => e.archivePath!.slice(3)).sort()).toEqual(expected.sort());
  });

  it('writes VM paths as C:\\... and archive members as fs/C/..., as read through a case-insensitive Windows file system', () => {
    for (const e of manifest.entries.filter((x) => x.type === 'file')) {
      expect(e.path).toMatch(/^[CD]:\\/);
      if (e.archivePath) expect(e.archivePath).toBe(`fs/${e.path.replace(':', '').replaceAll('\\', '/')}`);
    }
    expect(manifest.entries.find((e) => e.path === displayOf(`${EVTX_DIR}/Security.evtx`))).toMatchObject({ artifact: 'WindowsEventLogFile', outcome: 'collected' });
  });

  it('verifies under Wine, and auto-detects Windows on a win32 runtime', () => {
    const verify = cli(['verify', winPath(path.join(work, 'w.tar.gz'))]);
    expect(verify.status).toBe(0);
    expect(lastJsonLine(verify.stdout)).toMatchObject({ status: 'ok' });
    const plan = cli(['plan', '--root', rootArg, '--json']);
    expect(plan.status).toBe(0);
    expect(plan.stdout.trim().split(/\r?\n/).map((l) => (JSON.parse(l) as { path: string }).path)).toEqual(manifest.entries.map((e) => e.path));
  });

  it("records a locked event log in a tree as locked: this machine's channel is never exported in its place", async () => {
    const fake = installFakeWevtutil(box);
    const securityLog = `${rootArg}\\${EVTX_DIR.replaceAll('/', '\\')}\\Security.evtx`;
    const lock = await holdExclusively(box, securityLog);
    let locked: RunResult;
    try {
      locked = cli(['collect', '--os', 'windows', '--root', rootArg, '--output', winPath(path.join(work, 'locked.tar.gz'))], fake.env);
    } finally {
      await lock.release();
    }
    expect(locked.status).toBe(3);
    expect(lastJsonLine(locked.stdout)).toMatchObject({ status: 'partial', problems: [`locked: ${displayOf(`${EVTX_DIR}/Security.evtx`)}`] });
    await extractWithGnuTar(path.join(work, 'locked.tar.gz'), path.join(work, 'x-locked'));
    const m = await readManifest(path.join(work, 'x-locked'));
    const entry = m.entries.find((e) => e.path === displayOf(`${EVTX_DIR}/Security.evtx`))!;
    expect(entry).toMatchObject({ outcome: 'locked', note: 'EBUSY: held by another process', archivePath: null, sha256: null });
    expect(entry.method).toBeUndefined();
    expect(fake.calls()).toEqual([['gl', 'Security']]);
    fake.remove();
  });
});
