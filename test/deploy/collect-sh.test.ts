// The Run Command bootstrap for Linux against a loopback HTTP server serving the real binary: pinned hash checked, the tool run, only its summary printed, nothing left behind.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLinuxVmTree } from '../fixtures/linux-azure-vm.ts';
import { containerWithSas } from '../helpers/azurite.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { downloadRun } from '../helpers/download-run.ts';
import { startFakeImds } from '../helpers/fake-imds.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import type { Manifest } from '../../agent/manifest/types.ts';
import { execFileSync } from 'node:child_process';

const SCRIPT = path.resolve('deploy/run-command/collect.sh');
let server: http.Server;
let base: string;
let imds: Awaited<ReturnType<typeof startFakeImds>>;

beforeAll(async () => {
  const bin = requireBinary('linux-x64');
  server = http.createServer((req, res) => {
    if (req.url !== '/cse-preserve-linux-x64') { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-length': statSync(bin).size });
    createReadStream(bin).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  imds = await startFakeImds();
});
afterAll(async () => { server.close(); await imds.close(); });

function runScript(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('bash', [SCRIPT, ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c; });
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }));
  });
}

const leftovers = () => ['/mnt/resource', '/mnt', '/dev/shm', '/tmp'].filter(existsSync).flatMap((d) => readdirSync(d).filter((n) => n.startsWith('cse-preserve.')));

describe('deploy/run-command/collect.sh', () => {
  it('stays far under Run Command\'s 256 KiB script limit', () => {
    expect(statSync(SCRIPT).size).toBeLessThan(16 * 1024);
    expect(statSync(path.resolve('deploy/run-command/collect.ps1')).size).toBeLessThan(16 * 1024);
  });

  it('downloads, checks, runs and deletes the binary; prints only the summary; names its own Run Command folder', async () => {
    const bin = requireBinary('linux-x64');
    const hash = createHash('sha256').update(readFileSync(bin)).digest('hex');
    const work = await tempDir();
    const root = path.join(work, 'root');
    await buildLinuxVmTree(root);
    // Run Command v1 runs the script with its cwd in download/<seq>/: this one is the collector's own.
    const own = path.join(root, 'var/lib/waagent/run-command/download/7');
    await mkdir(own, { recursive: true });
    const container = await containerWithSas(process.env.AZURITE_ENDPOINT!, 'bootstrap');
    const before = leftovers();
    const r = await runScript([], {
      BINARY_URL: `${base}/cse-preserve-linux-x64`, BINARY_SHA256: hash, CONTAINER_URL: container.url,
      CSE_PRESERVE_SAS: container.sas, CSE_PRESERVE_EXTRA_ARGS: `--root ${root} --os linux --imds-endpoint ${imds.endpoint}`,
    }, own);
    console.log(`collect.sh: exit ${r.status} in ${r.ms} ms; output ${Buffer.byteLength(r.stdout)} bytes`);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4097);
    expect(r.stdout).not.toContain(new URLSearchParams(container.sas).get('sig')!);
    const summary = JSON.parse(lines[0]!) as { status: string; folder: string; launchedBy: { via: string; sequence: string; folder: string } };
    expect(summary).toMatchObject({ status: 'ok', launchedBy: { via: 'run-command-v1', sequence: '7', folder: '/var/lib/waagent/run-command/download/7' } });
    expect(leftovers()).toEqual(before);

    const blobs = await downloadRun(process.env.AZURITE_ENDPOINT!, 'bootstrap', summary.folder, path.join(work, 'dl'));
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', blobs.get('tier0.tar.gz')!.file, 'manifest.json'], { encoding: 'utf8' })) as Manifest;
    expect(manifest.launchedBy).toMatchObject({ via: 'run-command-v1', sequence: '7' });
    expect(manifest.entries.find((e) => e.path === '/var/lib/waagent/run-command/download/7')!.note).toMatch(/own run-command-v1 run/);
    expect(manifest.entries.find((e) => e.path === '/var/lib/waagent/run-command/download/0')?.note ?? '').not.toMatch(/own/);
  }, 120_000);

  it('refuses to run a binary whose SHA-256 differs from the pinned one', async () => {
    const work = await tempDir();
    const before = leftovers();
    const r = await runScript([`${base}/cse-preserve-linux-x64`, 'a'.repeat(64), 'https://acct.blob.core.windows.net/evidence'], { CSE_PRESERVE_SAS: 'sv=x&sig=y' }, work);
    console.log(`collect.sh wrong hash: exit ${r.status}: ${r.stdout.trim()}`);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ status: 'failed', stage: 'bootstrap', error: expect.stringMatching(/sha256 mismatch.*not run/) });
    expect(leftovers()).toEqual(before);
  });

  it('rejects missing parameters and plain-http binary URLs with exit 2', async () => {
    const work = await tempDir();
    const r1 = await runScript([], {}, work);
    expect(r1.status).toBe(2);
    const r2 = await runScript(['http://example.com/bin', 'a'.repeat(64), 'https://x/y'], {}, work);
    expect(r2.status).toBe(2);
    expect(r2.stdout).toMatch(/must be https/);
  });
});
