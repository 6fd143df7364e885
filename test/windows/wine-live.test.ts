// The live-drives mode under Wine: node.exe with the default root reads the prefix's own C:\ and D:\, and a locked event log is exported with wevtutil.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../agent/manifest/types.ts';
import { buildWindowsVmTree, EVTX_DIR, LARGE_PLUGIN_FILE, UNCATALOGUED, type FixtureFile, type WindowsVmTree } from '../fixtures/windows-azure-vm.ts';
import { extractWithGnuTar, readManifest, sha256File } from '../helpers/archive.ts';
import { BUNDLE, lastJsonLine } from '../helpers/run-cli.ts';
import { checkExtractedFiles, displayOf } from './archive-check.ts';
import { holdExclusively, installFakeWevtutil, openWineBox, winPath, wineInstalled, type FakeWevtutil, type RunResult, type WineBox } from './wine-harness.ts';

/** What the fixture puts on the live drives: removed before (a crashed run's leftovers) and after. */
const LIVE_FIXTURE_DIRS = ['Packages', 'WindowsAzure', 'Users', 'windows/system32/winevt'];

describe.skipIf(!wineInstalled() && !process.env.CI)('Windows build under Wine: collect the live drives', () => {
  let box: WineBox;
  let work: string;
  let driveD: string;
  let tree: WindowsVmTree;
  let fake: FakeWevtutil;
  let run: RunResult;
  let manifest: Manifest;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => box.node([winPath(BUNDLE), ...args], env);
  const dosDeviceD = () => path.join(box.prefix, 'dosdevices', 'd:');
  const cleanLiveDrives = () => {
    for (const d of LIVE_FIXTURE_DIRS) rmSync(path.join(box.driveC, d), { recursive: true, force: true });
    rmSync(dosDeviceD(), { force: true });
  };

  beforeAll(async () => {
    box = await openWineBox('live');
    cleanLiveDrives();
    work = mkdtempSync(path.join(os.tmpdir(), 'wine-live-'));
    driveD = mkdtempSync(path.join(os.tmpdir(), 'wine-live-d-'));
    symlinkSync(driveD, dosDeviceD()); // D: = Azure's resource disk, with CollectGuestLogsTemp
    tree = buildWindowsVmTree(work, { driveDirs: { C: box.driveC, D: driveD } });
    fake = installFakeWevtutil(box);
    // Security.evtx is held open exclusively, as the EventLog service holds it on a real VM.
    const lock = await holdExclusively(box, `C:\\${EVTX_DIR.slice(2).replaceAll('/', '\\')}\\Security.evtx`);
    try {
      run = cli(['collect', '--os', 'windows', '--output', winPath(path.join(work, 'live.tar.gz'))], fake.env);
    } finally {
      await lock.release();
    }
    await extractWithGnuTar(path.join(work, 'live.tar.gz'), path.join(work, 'x'));
    manifest = await readManifest(path.join(work, 'x'));
  }, 300_000);

  afterAll(() => {
    box?.stop();
    if (box) cleanLiveDrives();
    fake?.remove();
    for (const d of [work, driveD]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('reads C:\\ and D:\\ with the default root and ends with an ok summary', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(lastJsonLine(run.stdout)).toMatchObject({ status: 'ok', problems: [] });
    expect(manifest).toMatchObject({ os: 'windows', root: '', tool: { target: 'win32-x64' } });
    expect(manifest.host.machineId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/); // reg query, live only
    expect(manifest.host.evidenceSystem).toBeUndefined();
    expect(manifest.entries.find((e) => e.path === 'D:\\CollectGuestLogsTemp\\VMAgentLogs.zip')).toMatchObject({ outcome: 'collected', archivePath: 'fs/D/CollectGuestLogsTemp/VMAgentLogs.zip' });
  });

  it('exports the locked Security.evtx with wevtutil: export bytes and hashes, original times, temp copy removed from D:\\', async () => {
    const security = manifest.entries.find((e) => e.path === displayOf(`${EVTX_DIR}/Security.evtx`))!;
    const exported = fake.exportOf('Security');
    expect(security).toMatchObject({
      outcome: 'collected', method: 'wevtutil-export', size: exported.length, sha256: createHash('sha256').update(exported).digest('hex'),
      mtime: tree.byPath.get(`${EVTX_DIR}/Security.evtx`)!.mtime.toISOString().replace('Z', '000000Z'),
    });
    expect(security.note).toMatch(/^EBUSY: held by another process; held by the EventLog service: exported with wevtutil epl "Security"/);
    expect(await sha256File(path.join(work, 'x', security.archivePath!))).toBe(security.sha256);
    const calls = fake.calls();
    expect(calls.map((c) => c.slice(0, 2))).toEqual([['gl', 'Security'], ['epl', 'Security']]);
    expect(calls[1]![2]).toMatch(/^D:\\cse-preserve-export-[^\\]+\\Security\.evtx$/);
    expect(calls[1]![3]).toBe('/ow:true');
    expect(readdirSync(driveD).filter((n) => n.startsWith('cse-preserve-export-'))).toEqual([]);
  });

  it('archives every other catalogued file byte for byte', async () => {
    const expectedBytes = new Map<string, FixtureFile>(tree.byPath);
    const security = `${EVTX_DIR}/Security.evtx`;
    expectedBytes.set(security, { ...tree.byPath.get(security)!, bytes: fake.exportOf('Security') });
    const archived = await checkExtractedFiles(path.join(work, 'x'), manifest, expectedBytes);
    const expected = tree.files.map((f) => f.path).filter((p) => !UNCATALOGUED.includes(p) && p !== LARGE_PLUGIN_FILE);
    expect(archived.map((e) => e.archivePath!.slice(3)).sort()).toEqual(expected.sort());
  });

  it('plans the live drives, and refuses an output on a path the catalog collects', () => {
    const plan = cli(['plan', '--os', 'windows', '--json']);
    expect(plan.status).toBe(0);
    expect(plan.stdout.trim().split(/\r?\n/).map((l) => (JSON.parse(l) as { path: string }).path)).toEqual(manifest.entries.map((e) => e.path));
    const inside = cli(['collect', '--os', 'windows', '--output', 'C:\\Packages\\Plugins\\evidence.tar.gz']);
    expect(inside.status).toBe(2);
    expect(lastJsonLine(inside.stdout)).toMatchObject({ status: 'failed', code: 'CSE_OUTPUT_INVALID' });
    expect(existsSync(path.join(box.driveC, 'Packages', 'Plugins', 'evidence.tar.gz'))).toBe(false);
  });
});
