// Uploads to a real Azurite: create+write SAS, tier 0 committed first, metadata and IMDS identity, faults from a real proxy, storage down, no SAS anywhere.
import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLinuxVmTree } from '../../fixtures/linux-azure-vm.ts';
import { containerWithSas } from '../../helpers/azurite.ts';
import { downloadRun } from '../../helpers/download-run.ts';
import { FAKE_VM_ID, startFakeImds } from '../../helpers/fake-imds.ts';
import { startFaultProxy } from '../../helpers/fault-proxy.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import type { Manifest } from '../../../agent/manifest/types.ts';

const endpoint = () => process.env.AZURITE_ENDPOINT!;
let imds: Awaited<ReturnType<typeof startFakeImds>>;
beforeAll(async () => { imds = await startFakeImds(); });
afterAll(async () => { await imds.close(); });

async function vmTree(): Promise<string> {
  const work = await tempDir();
  await buildLinuxVmTree(path.join(work, 'root'));
  return path.join(work, 'root');
}

function manifestOf(archive: string): Manifest {
  return JSON.parse(execFileSync('tar', ['-xzOf', archive, 'manifest.json'], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Manifest;
}

async function collectToContainer(root: string, container: { url: string; sas: string }, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runCli(['collect', '--root', root, '--os', 'linux', '--container-url', container.url, '--imds-endpoint', imds.endpoint, ...extra],
    { env: { CSE_PRESERVE_SAS: container.sas, ...env }, timeoutMs: 180_000 });
}

describe('collect --container-url (Azurite)', () => {
  it('uploads tier 0 then tiers 1-2 and SHA256SUMS with a create+write SAS; every archive verifies after download', async () => {
    const root = await vmTree();
    const container = await containerWithSas(endpoint(), 'upload-ok');
    const run = await collectToContainer(root, container);
    expect(run.status, run.stderr).toBe(0);
    const summary = run.summary as { folder: string; archives: { name: string; sha256: string; readback: string }[]; tier0CommittedMs: number };
    expect(summary.archives.map((a) => a.name)).toEqual(['tier0.tar.gz', 'tier1-2.tar.gz']);
    expect(summary.archives[0]!.readback).toBe('not-permitted'); // a cw SAS cannot read: expected, not an error
    expect(summary.folder).toMatch(/^cse-preserve\/[^/]+\/\d{8}T\d{6}Z-[0-9a-f]{8}$/);

    const work = await tempDir();
    const blobs = await downloadRun(endpoint(), 'upload-ok', summary.folder, work);
    expect([...blobs.keys()].sort()).toEqual(['SHA256SUMS', 'tier0.tar.gz', 'tier1-2.tar.gz']);
    const sums = await readFile(blobs.get('SHA256SUMS')!.file, 'utf8');
    execFileSync('sha256sum', ['-c', '-'], { cwd: work, input: sums });
    for (const a of summary.archives) {
      const blob = blobs.get(a.name)!;
      expect((await runCli(['verify', blob.file])).status).toBe(0);
      expect(blob.metadata).toMatchObject({ sha256: a.sha256, vmid: FAKE_VM_ID, archive: a.name, tool: 'cse-preserve' });
    }

    const tier0 = manifestOf(blobs.get('tier0.tar.gz')!.file);
    const rest = manifestOf(blobs.get('tier1-2.tar.gz')!.file);
    expect(new Set(tier0.entries.map((e) => e.tier))).toEqual(new Set([0]));
    expect(tier0.entries.some((e) => e.path === '/var/lib/waagent/custom-script/download/3/script.sh' && e.outcome === 'collected')).toBe(true);
    expect(new Set(rest.entries.map((e) => e.tier))).toEqual(new Set([1, 2]));
    // Tier 0 was committed before tiers 1-2 were even listed.
    expect(rest.run!.previousArchives[0]!.name).toBe('tier0.tar.gz');
    expect(Date.parse(rest.run!.previousArchives[0]!.committedAt)).toBeLessThanOrEqual(Date.parse(rest.startedAt));
    expect(rest.destination).toBe(`${container.url}/${summary.folder}/tier1-2.tar.gz`);
    expect(rest.vm).toMatchObject({ reachable: true, vmId: FAKE_VM_ID, attested: { signature: expect.any(String) } });
  });

  it('warns when the SAS grants more than create+write, and refuses plain http to a non-loopback host', async () => {
    const root = await vmTree();
    const container = await containerWithSas(endpoint(), 'upload-wide', 'racwdl');
    const run = await collectToContainer(root, container, ['--block-size-mib', '1']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/warning: the SAS grants read, delete, list/);
    // With read allowed, the tool reads back size, sha256 metadata and the committed block count.
    expect((run.summary as { archives: { readback: string }[] }).archives.map((a) => a.readback)).toEqual(['verified', 'verified']);

    const bad = await runCli(['collect', '--root', root, '--os', 'linux', '--container-url', 'http://storage.example.com/evidence'], { env: { CSE_PRESERVE_SAS: container.sas } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/must use https/);
  });

  it('completes with exact hashes through a proxy that injects 503s, resets and stalls', async () => {
    const root = await vmTree();
    const container = await containerWithSas(endpoint(), 'upload-faults');
    const proxy = await startFaultProxy(container.url, { cycle: 5, status503: [1], reset: [2], stall: [3] });
    try {
      const run = await collectToContainer(root, { url: proxy.endpoint, sas: container.sas },
        ['--block-size-mib', '1', '--upload-attempt-timeout', '2', '--verbose']);
      expect(run.status, run.stderr).toBe(0);
      expect(proxy.counts.status503).toBeGreaterThan(0);
      expect(proxy.counts.reset).toBeGreaterThan(0);
      expect(proxy.counts.stall).toBeGreaterThan(0);
      expect(run.stderr).toMatch(/retrying/);
      const work = await tempDir();
      const summary = run.summary as { folder: string; archives: { name: string; sha256: string }[] };
      const blobs = await downloadRun(endpoint(), 'upload-faults', summary.folder, work);
      for (const a of summary.archives) {
        expect((await runCli(['verify', blobs.get(a.name)!.file])).status).toBe(0);
        expect(execFileSync('sha256sum', [blobs.get(a.name)!.file], { encoding: 'utf8' }).split(' ')[0]).toBe(a.sha256);
      }
    } finally {
      await proxy.close();
    }
  });

  it('keeps everything in the fallback directory when storage is down for the whole run (exit 4)', async () => {
    const root = await vmTree();
    const container = await containerWithSas(endpoint(), 'upload-down');
    const proxy = await startFaultProxy(container.url, { cycle: 1, down: true });
    const fallback = await tempDir();
    try {
      const run = await collectToContainer(root, { url: proxy.endpoint, sas: container.sas }, ['--upload-retries', '3', '--fallback-dir', fallback]);
      expect(run.status, run.stderr).toBe(4);
      const summary = run.summary as { status: string; fallbackDir: string; archives: { name: string; location: string }[] };
      expect(summary.status).toBe('preserved-locally');
      expect(summary.fallbackDir.startsWith(path.join(fallback, 'cse-preserve-fallback'))).toBe(true);
      const files = (await readdir(summary.fallbackDir)).sort();
      expect(files).toEqual(['SHA256SUMS', 'tier0.tar.gz', 'tier0.tar.gz.sha256', 'tier1-2.tar.gz', 'tier1-2.tar.gz.sha256']);
      for (const a of summary.archives) expect((await runCli(['verify', a.location])).status).toBe(0);
      expect(proxy.counts.status503).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it('never lets the SAS reach stdout, stderr, logs, manifests, archives or blob metadata', async () => {
    const root = await vmTree();
    const container = await containerWithSas(endpoint(), 'upload-secret');
    const sig = new URLSearchParams(container.sas).get('sig')!;
    const needles = [container.sas, sig, encodeURIComponent(sig)];
    // The SAS inside the URL too (warned about), with --verbose so the whole log goes to stderr.
    const runs = [
      await collectToContainer(root, container, ['--verbose']),
      await runCli(['collect', '--root', root, '--os', 'linux', '--container-url', `${container.url}?${container.sas}`, '--imds-endpoint', imds.endpoint, '--verbose'], { timeoutMs: 120_000 }),
      await runCli(['collect', '--root', root, '--os', 'linux', '--container-url', container.url, '--sas-stdin', '--imds-endpoint', imds.endpoint, '--verbose'], { input: container.sas, timeoutMs: 120_000 }),
    ];
    expect(runs[1]!.stderr).toMatch(/visible in process listings/);
    const work = await tempDir();
    for (const [i, run] of runs.entries()) {
      expect(run.status, run.stderr).toBe(0);
      for (const n of needles) { expect(run.stdout).not.toContain(n); expect(run.stderr).not.toContain(n); }
      const summary = run.summary as { folder: string };
      const blobs = await downloadRun(endpoint(), 'upload-secret', summary.folder, path.join(work, String(i)));
      for (const { file, metadata } of blobs.values()) {
        for (const n of needles) expect(JSON.stringify(metadata)).not.toContain(n);
        const x = path.join(work, `x${i}-${path.basename(file)}`);
        if (file.endsWith('.tar.gz')) {
          execFileSync('mkdir', ['-p', x]);
          execFileSync('tar', ['-xzf', file, '-C', x]);
          const grep = (() => { try { return execFileSync('grep', ['-rlF', '-e', sig, x], { encoding: 'utf8' }); } catch { return ''; } })();
          expect(grep).toBe('');
        } else {
          for (const n of needles) expect(await readFile(file, 'utf8')).not.toContain(n);
        }
      }
    }
  });
});
