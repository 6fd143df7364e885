// The shipped win-x64 binary under Wine: --version, and a collection of a fake C:\ tree checked from Linux with GNU tar against the manifest and the fixture.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWindowsVmTree, LARGE_PLUGIN_FILE, UNCATALOGUED } from '../fixtures/windows-azure-vm.ts';
import { extractWithGnuTar, readManifest } from '../helpers/archive.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { lastJsonLine } from '../helpers/run-cli.ts';
import { checkExtractedFiles } from '../windows/archive-check.ts';
import { openWineBox, runToFiles, winPath, wineInstalled, type WineBox } from '../windows/wine-harness.ts';

describe.skipIf(!wineInstalled() && !process.env.CI)('win-x64 single binary under Wine', () => {
  let box: WineBox;
  let work: string;
  let evidence: string;
  const exe = () => requireBinary('win-x64');
  const run = (args: string[]) => runToFiles('wine', [exe(), ...args], box.env);

  beforeAll(async () => {
    box = await openWineBox('tree');
    work = mkdtempSync(path.join(os.tmpdir(), 'wine-bin-'));
    evidence = mkdtempSync(path.join(box.driveC, 'cse-preserve-bin-'));
  }, 300_000);

  afterAll(() => {
    box?.stop();
    if (evidence) rmSync(evidence, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('prints its version, commit and target', () => {
    const r = run(['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-dirty)?, win32-x64\)\r?\n$/);
  });

  it('collects a C:\\ tree: every catalogued file byte for byte, and its own SHA-256 in the manifest', async () => {
    const tree = buildWindowsVmTree(path.join(evidence, 'vm1'));
    const out = path.join(work, 'w.tar.gz');
    const r = run(['collect', '--os', 'windows', '--root', `C:\\${path.basename(evidence)}\\vm1`, '--output', winPath(out)]);
    expect(r.status, r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ status: 'ok', problems: [] });
    await extractWithGnuTar(out, path.join(work, 'x'));
    const manifest = await readManifest(path.join(work, 'x'));
    expect(manifest.tool).toMatchObject({ target: 'win32-x64', runtime: 'node v22.23.3 (single executable)', executableSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const archived = await checkExtractedFiles(path.join(work, 'x'), manifest, tree.byPath);
    const expected = tree.files.map((f) => f.path).filter((p) => !UNCATALOGUED.includes(p) && p !== LARGE_PLUGIN_FILE);
    expect(archived.map((e) => e.archivePath!.slice(3)).sort()).toEqual(expected.sort());
    expect(manifest.entries.find((e) => e.archivePath)!.path).toMatch(/^C:\\/);
  });
});
