// The shipped artifacts: the linux-x64 binary end to end into Azurite, the arm64 binary under qemu, reproducible SHA256SUMS.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLinuxVmTree } from '../fixtures/linux-azure-vm.ts';
import { containerWithSas } from '../helpers/azurite.ts';
import { BIN_DIR, requireBinary } from '../helpers/binaries.ts';
import { downloadRun } from '../helpers/download-run.ts';
import { lastJsonLine, runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import type { Manifest } from '../../agent/manifest/types.ts';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('single binaries', () => {
  it('SHA256SUMS lists the three binaries with their real hashes', () => {
    const sums = readFileSync(path.join(BIN_DIR, 'SHA256SUMS'), 'utf8');
    execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: BIN_DIR });
    expect(sums.trim().split('\n').map((l) => l.split('  ')[1]).sort()).toEqual(['cse-preserve-linux-arm64', 'cse-preserve-linux-x64', 'cse-preserve-win-x64.exe']);
  });

  it('linux-x64 knows itself: --version prints version, commit and target', () => {
    const out = execFileSync(requireBinary('linux-x64'), ['--version'], { encoding: 'utf8' });
    expect(out).toMatch(/^\d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-dirty)?, linux-x64\)\n$/);
  });

  it('linux-x64 collects a fake VM into Azurite and records its own SHA-256 in the manifest', async () => {
    const bin = requireBinary('linux-x64');
    const work = await tempDir();
    await buildLinuxVmTree(path.join(work, 'root'));
    const container = await containerWithSas(process.env.AZURITE_ENDPOINT!, 'binary-e2e');
    const run = spawnSync(bin, ['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--container-url', container.url, '--no-imds'],
      { env: { ...process.env, CSE_PRESERVE_SAS: container.sas }, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJsonLine(run.stdout) as { folder: string; archives: { name: string }[] };
    const blobs = await downloadRun(process.env.AZURITE_ENDPOINT!, 'binary-e2e', summary.folder, path.join(work, 'dl'));
    for (const a of summary.archives) {
      const v = spawnSync(bin, ['verify', blobs.get(a.name)!.file], { encoding: 'utf8' });
      expect(v.status, v.stdout).toBe(0);
    }
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', blobs.get('tier0.tar.gz')!.file, 'manifest.json'], { encoding: 'utf8' })) as Manifest;
    expect(manifest.tool).toMatchObject({ executable: bin, executableSha256: sha256(bin), target: 'linux-x64', runtime: expect.stringContaining('single executable') });
  });

  it('linux-arm64 runs under qemu-aarch64: --version and a small collection that the x64 binary verifies', async () => {
    const bin = requireBinary('linux-arm64');
    const qemu = ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu', bin];
    const version = spawnSync(qemu[0]!, [...qemu.slice(1), '--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toContain('linux-arm64');
    const work = await tempDir();
    await buildLinuxVmTree(path.join(work, 'root'));
    const out = path.join(work, 'arm.tar.gz');
    const run = spawnSync(qemu[0]!, [...qemu.slice(1), 'collect', '--root', path.join(work, 'root'), '--os', 'linux', '--output', out], { encoding: 'utf8', timeout: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(lastJsonLine(run.stdout)).toMatchObject({ status: 'ok' });
    expect((await runCli(['verify', out])).status).toBe(0);
  }, 240_000);
});
