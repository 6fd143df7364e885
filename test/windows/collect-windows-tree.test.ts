// End-to-end on a fake Windows disk: the built bundle (npm run build) collects <root>/C and <root>/D, GNU tar extracts it, every byte and hash is checked, verify passes.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../agent/manifest/types.ts';
import { buildWindowsVmTree, CSE, EVENT_LOGS, EVTX_DIR, LARGE_PLUGIN_FILE, LARGE_PLUGIN_FILE_SIZE, RC1, RC2, UNCATALOGUED, type WindowsVmTree } from '../fixtures/windows-azure-vm.ts';
import { extractWithGnuTar, readManifest } from '../helpers/archive.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';
import { changesBetween, snapshotTree, type SnapshotRow } from '../helpers/tree-snapshot.ts';
import { checkExtractedFiles, displayOf } from './archive-check.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const extract = async (archive: string, dir: string) => { await extractWithGnuTar(archive, dir); return readManifest(dir); };

describe('collect --os windows on a fake Windows tree (built bundle)', () => {
  let base: string;
  let tree: WindowsVmTree;
  let archive: string;
  let run: CliRun;
  let manifest: Manifest;
  let before: Map<string, SnapshotRow>;
  const cli = (...args: string[]) => runCli(args);

  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'win-tree-'));
    tree = buildWindowsVmTree(path.join(base, 'vm'));
    archive = path.join(base, 'w.tar.gz');
    before = await snapshotTree(tree.root);
    run = await cli('collect', '--os', 'windows', '--root', tree.root, '--output', archive);
    manifest = await extract(archive, path.join(base, 'x'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('exits 0 with an ok summary line', () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const summary = run.summary!;
    expect(summary).toMatchObject({ status: 'ok', archive, problems: [] });
    expect(summary.files).toBe(manifest.entries.filter((e) => e.type === 'file' && e.archivePath).length);
    expect(manifest.os).toBe('windows');
    expect(manifest.root).toBe(tree.root);
  });

  it('archives files whose bytes and SHA-256 match the manifest and the fixture', async () => {
    const archived = await checkExtractedFiles(path.join(base, 'x'), manifest, tree.byPath);
    const archivedPaths = new Set(archived.map((e) => e.archivePath!.replace(/^fs\//, '')));
    const expected = tree.files.map((f) => f.path).filter((p) => !UNCATALOGUED.includes(p) && p !== LARGE_PLUGIN_FILE);
    expect([...archivedPaths].sort()).toEqual(expected.sort());
  });

  it('writes VM paths as C:\\... and archive members as fs/C/...', () => {
    const files = manifest.entries.filter((e) => e.type === 'file');
    for (const e of files) {
      expect(e.path).toMatch(/^[CD]:\\[^/]+$/);
      if (e.archivePath) expect(e.archivePath).toBe(`fs/${e.path.replace(':', '').replaceAll('\\', '/')}`);
    }
    const script = manifest.entries.find((e) => e.path === displayOf(`${RC1}/Downloads/script0.ps1`))!;
    expect(script).toMatchObject({ archivePath: 'fs/C/Packages/Plugins/Microsoft.CPlat.Core.RunCommandWindows/1.1.22/Downloads/script0.ps1', outcome: 'collected' });
    const dirs = manifest.entries.filter((e) => e.type === 'directory');
    expect(dirs.length).toBeGreaterThan(0);
    for (const d of dirs) expect(d.archivePath).toMatch(/^fs\/[CD]\/.*\/$/);
  });

  it('assigns tiers and artifacts as the catalog says, case-insensitively', () => {
    const entryOf = (p: string) => manifest.entries.find((e) => e.path === displayOf(p))!;
    expect(entryOf(`${CSE}/1.10.15/Downloads/1/Invoke-Payload.ps1`)).toMatchObject({ tier: 0, artifact: 'WindowsCseDownloadDirectory' });
    expect(entryOf(`${CSE}/1.10.12/Downloads/0/bootstrap.marker`)).toMatchObject({ tier: 0, artifact: 'WindowsCseDownloadDirectory' });
    expect(entryOf(`${CSE}/1.10.15/RuntimeSettings/1.settings`)).toMatchObject({ tier: 0, artifact: 'WindowsCseRuntimeSettingsFile' });
    expect(entryOf(`${CSE}/1.10.12/Status/heartbeat.json`)).toMatchObject({ tier: 0, artifact: 'WindowsCseStatusFile' });
    expect(entryOf(`${CSE}/1.10.15/Status/1.status`)).toMatchObject({ tier: 0, artifact: 'WindowsCseStatusFile' });
    expect(entryOf(`${RC1}/Downloads/Process.txt`)).toMatchObject({ tier: 0, artifact: 'WindowsRunCommandV1DownloadDirectory' });
    expect(entryOf(`${RC1}/RuntimeSettings/1.settings`)).toMatchObject({ tier: 0, artifact: 'WindowsRunCommandV1StateDirectory' });
    expect(entryOf(`${RC2}/downloads/username.txt`)).toMatchObject({ tier: 0, artifact: 'WindowsRunCommandV2DownloadDirectory' });
    expect(entryOf(`${CSE}/1.10.15/HandlerEnvironment.json`)).toMatchObject({ tier: 1, artifact: 'WindowsExtensionHandlerStateFile' });
    expect(entryOf(`${CSE}/1.10.12/mrseq`)).toMatchObject({ tier: 1, artifact: 'WindowsExtensionHandlerStateFile' });
    expect(entryOf(`${CSE}/1.10.15/CustomScriptHandler.exe`)).toMatchObject({ tier: 1, artifact: 'WindowsExtensionHandlerBinaryFile', outcome: 'collected' });
    expect(entryOf(`${RC2}/bin/RunCommandHandlerWindows.exe`)).toMatchObject({ tier: 1, artifact: 'WindowsExtensionHandlerBinaryFile' });
    expect(entryOf(`${RC1}/resetState.cmd`)).toMatchObject({ tier: 1, artifact: 'WindowsPluginDirectory' });
    expect(entryOf('C/WindowsAzure/Config/vm-fixture.1.vm-fixture.1.xml')).toMatchObject({ tier: 1, artifact: 'WindowsAzureGoalStateConfigFile' });
    expect(entryOf('D/CollectGuestLogsTemp/VMAgentLogs.zip')).toMatchObject({ tier: 1, artifact: 'WindowsCollectGuestLogsArchiveFile' });
    expect(entryOf('C/WindowsAzure/Logs/Plugins/Microsoft.Compute.CustomScriptExtension/1.10.15/CustomScriptHandler.log')).toMatchObject({ tier: 2, artifact: 'WindowsAzureLogDirectory' });
    for (const name of EVENT_LOGS) expect(entryOf(`${EVTX_DIR}/${name}`)).toMatchObject({ tier: 2, artifact: 'WindowsEventLogFile', outcome: 'collected' });
    // Tier order in the manifest: every tier-0 entry before any tier-1 entry, every tier-1 before tier-2.
    const tiers = manifest.entries.map((e) => e.tier);
    expect(tiers).toEqual([...tiers].sort());
  });

  it('hashes but does not copy a plugin file over the copy-small limit', () => {
    const big = manifest.entries.find((e) => e.path === displayOf(LARGE_PLUGIN_FILE))!;
    expect(big).toMatchObject({ artifact: 'WindowsPluginDirectory', outcome: 'collected', archivePath: null, size: LARGE_PLUGIN_FILE_SIZE });
    expect(big.sha256).toBe(sha256(tree.byPath.get(LARGE_PLUGIN_FILE)!.bytes));
    expect(big.note).toContain('hashed, not copied');
  });

  it('changes nothing in the evidence tree (times, sizes, inodes; regular files keep their atime)', async () => {
    expect(changesBetween(before, await snapshotTree(tree.root))).toEqual([]);
  });

  it('collects nothing outside the catalog', () => {
    for (const p of UNCATALOGUED) expect(manifest.entries.find((e) => e.path === displayOf(p)), p).toBeUndefined();
  });

  it('keeps each file\'s modification time in the manifest', () => {
    for (const e of manifest.entries.filter((x) => x.type === 'file')) {
      const source = tree.byPath.get(e.path.replace(':\\', '/').replaceAll('\\', '/'))!;
      expect(Date.parse(e.mtime!), e.path).toBe(source.mtime.getTime());
    }
  });

  it('passes verify', async () => {
    const v = await cli('verify', archive);
    expect(v.status).toBe(0);
    expect(v.summary).toMatchObject({ status: 'ok' });
  });

  it('detects the Windows tree with --os auto', async () => {
    const auto = path.join(base, 'auto.tar.gz');
    const r = await cli('collect', '--root', tree.root, '--output', auto);
    expect(r.status).toBe(0);
    const m = await extract(auto, path.join(base, 'x-auto'));
    expect(m.os).toBe('windows');
    expect(m.entries.map((e) => e.path)).toEqual(manifest.entries.map((e) => e.path));
    const plan = await cli('plan', '--root', tree.root, '--json');
    expect(plan.status).toBe(0);
    const rows = plan.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string });
    expect(rows.map((r) => r.path)).toEqual(manifest.entries.map((e) => e.path));
  });
});
