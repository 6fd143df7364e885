// End to end on a realistic Linux Azure VM tree: every catalog file archived with exact bytes, keys hashed not copied, decoys left out, nothing on the tree changed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLinuxVmTree, linuxVmDecoyPaths, type LinuxVmTree } from '../fixtures/linux-azure-vm.ts';
import { checkExtractedAgainstManifest, extractWithGnuTar, readManifest } from '../helpers/archive.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { changesBetween, snapshotTree } from '../helpers/tree-snapshot.ts';
import type { Manifest } from '../../agent/manifest/types.ts';

const IDENTITY_ONLY = ['/etc/hostname', '/etc/machine-id', '/etc/os-release']; // read for host facts, not catalog evidence
const isKey = (p: string) => /\.prv$|\/Certificates\.pem$|\/TransportPrivate\.pem$/.test(p);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('collect on a realistic Linux Azure VM', () => {
  let tree: LinuxVmTree;
  let work: string;
  let manifest: Manifest;
  let extracted: string;
  let run: Awaited<ReturnType<typeof runCli>>;
  let changes: string[];

  beforeAll(async () => {
    work = await tempDir();
    tree = await buildLinuxVmTree(path.join(work, 'root'));
    const before = await snapshotTree(tree.root);
    run = await runCli(['collect', '--root', tree.root, '--os', 'linux', '--hash', 'md5,sha1', '--output', path.join(work, 'vm.tar.gz')]);
    changes = changesBetween(before, await snapshotTree(tree.root));
    extracted = path.join(work, 'x');
    await extractWithGnuTar(path.join(work, 'vm.tar.gz'), extracted);
    manifest = await readManifest(extracted);
  });

  it('finishes ok with the JSON summary and changes nothing on the tree (atime of files included)', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.summary).toMatchObject({ status: 'ok', problems: [] });
    expect(changes).toEqual([]);
  });

  it('archives every catalog file with the exact source bytes, and MD5/SHA-1/SHA-256 in the manifest', async () => {
    const byPath = new Map(manifest.entries.map((e) => [e.path, e]));
    let copied = 0;
    for (const f of tree.files) {
      if (linuxVmDecoyPaths.includes(f.path) || IDENTITY_ONLY.includes(f.path)) { expect(byPath.has(f.path), f.path).toBe(false); continue; }
      const entry = byPath.get(f.path);
      expect(entry, `no manifest entry for ${f.path}`).toBeDefined();
      const source = await readFile(path.join(tree.root, f.path));
      expect(entry!.sha256, f.path).toBe(sha256(source));
      expect(entry!.md5).toBe(createHash('md5').update(source).digest('hex'));
      expect(entry!.size).toBe(f.size);
      if (isKey(f.path)) {
        expect(entry).toMatchObject({ outcome: 'key-not-copied', archivePath: null });
      } else {
        expect(entry!.outcome, f.path).toBe('collected');
        expect((await readFile(path.join(extracted, entry!.archivePath!))).equals(source), f.path).toBe(true);
        copied += 1;
      }
    }
    expect(copied).toBeGreaterThan(100);
    expect(await checkExtractedAgainstManifest(extracted, manifest)).toBe(copied);
  });

  it('keeps zero-byte settings as evidence and orders tier 0 first', () => {
    const zero = manifest.entries.find((e) => e.path.endsWith('CustomScript-2.1.10/config/0.settings'))!;
    expect(zero).toMatchObject({ outcome: 'collected', size: 0, tier: 0 });
    const tiers = manifest.entries.map((e) => e.tier);
    expect(tiers).toEqual([...tiers].sort());
    expect(manifest.entries[0]!.path.startsWith('/var/lib/waagent/custom-script/download')).toBe(true);
  });

  it('records host facts, tool facts and an outcome for every glob that matched nothing', () => {
    expect(manifest).toMatchObject({ layoutVersion: 1, os: 'linux', root: tree.root, tool: { name: 'cse-preserve' } });
    expect(manifest.tool.executableSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.host.evidenceSystem).toMatchObject({ hostname: 'demo-vm-01' });
    for (const e of manifest.entries.filter((x) => x.outcome === 'missing')) expect(e.note).toMatch(/no path matched/);
    expect(Date.parse(manifest.finishedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt));
  });

  it('writes manifest.csv with a row per entry and the sidecar in sha256sum -c format', async () => {
    const csv = (await readFile(path.join(extracted, 'manifest.csv'), 'utf8')).trimEnd().split('\r\n');
    expect(csv[0]).toMatch(/^CopiedTimestamp,SourceFile,DestinationFile,FileSize,SourceFileSha256/);
    expect(csv).toHaveLength(manifest.entries.length + 1);
    execFileSync('sha256sum', ['-c', 'vm.tar.gz.sha256'], { cwd: work });
  });

  it('copies private keys only with --include-keys', async () => {
    const out = path.join(work, 'keys.tar.gz');
    const r = await runCli(['collect', '--root', tree.root, '--os', 'linux', '--include-keys', '--output', out]);
    expect(r.status).toBe(0);
    const x = path.join(work, 'xk');
    await extractWithGnuTar(out, x);
    const m = await readManifest(x);
    const keys = m.entries.filter((e) => isKey(e.path));
    expect(keys.length).toBe(3);
    for (const k of keys) expect(k).toMatchObject({ outcome: 'collected', archivePath: expect.stringMatching(/^fs\//) });
  });

  it('plan lists the same paths in the same order without reading content', async () => {
    const plan = await runCli(['plan', '--root', tree.root, '--os', 'linux', '--json']);
    expect(plan.status).toBe(0);
    const rows = plan.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string });
    expect(rows.map((r) => r.path)).toEqual(manifest.entries.map((e) => e.path));
  });
});
