// Files that change between listing and reading, or while read: each gets its own outcome and the archive still matches its manifest.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { truncateSync } from 'node:fs';
import { mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExtractedAgainstManifest, extractWithGnuTar, readManifest } from '../helpers/archive.ts';
import { collectInProcess } from '../helpers/collect-in-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

const LOGS = 'var/log/azure/custom-script';

async function bigFile(file: string, mib: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const fh = await open(file, 'w');
  const line = Buffer.from('time=2026-05-02T09:14:07Z version=v2.1.19/git@- operation=enable seq=3 event="executing public commandToExecute"\n');
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i += line.length) line.copy(block, i);
  for (let i = 0; i < mib; i++) { block.writeUInt32LE(i, 0); await fh.write(block); }
  await fh.close();
}

function appender(file: string): ChildProcess {
  // A separate process keeps appending while the collector reads, as a live log would.
  return spawn(process.execPath, ['-e', `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(file)},'a');const b=Buffer.alloc(65536,10);setInterval(()=>{for(let i=0;i<4;i++)fs.writeSync(fd,b)},1);`], { stdio: 'ignore' });
}

async function archiveAndManifest(work: string, out: string) {
  const extracted = path.join(work, 'x');
  await extractWithGnuTar(out, extracted);
  const manifest = await readManifest(extracted);
  expect(await checkExtractedAgainstManifest(extracted, manifest)).toBeGreaterThan(0);
  return { extracted, manifest };
}

describe('files that change under the reader', () => {
  it('a file that grows while read: archives exactly the size in its header and records the growth', async () => {
    const work = await tempDir();
    const file = path.join(work, 'root', LOGS, 'handler.log');
    await bigFile(file, 48);
    let writer: ChildProcess | undefined;
    try {
      const out = path.join(work, 'o.tar.gz');
      await collectInProcess(path.join(work, 'root'), out, {
        beforeItem: async (item) => {
          if (item.kind === 'hit' && item.segments.at(-1)?.toString() === 'handler.log') {
            writer = appender(file);
            const start = (await readFile(file)).length;
            while ((await open(file, 'r').then(async (h) => { const s = (await h.stat()).size; await h.close(); return s; })) === start) await new Promise((r) => setTimeout(r, 5));
          }
        },
      });
      writer?.kill();
      const { extracted, manifest } = await archiveAndManifest(work, out);
      const entry = manifest.entries.find((e) => e.path === `/${LOGS}/handler.log`)!;
      expect(entry).toMatchObject({ outcome: 'changed-during-read', change: 'grew' });
      expect(entry.sizeAfterRead!).toBeGreaterThan(entry.size!);
      const now = await readFile(file);
      const archived = await readFile(path.join(extracted, entry.archivePath!));
      expect(archived.length).toBe(entry.size);
      expect(archived.equals(now.subarray(0, entry.size!))).toBe(true);
    } finally {
      writer?.kill();
    }
  });

  it('a file truncated while read: zero-fills to the header size, records bytesRead and the shrink', async () => {
    const work = await tempDir();
    const file = path.join(work, 'root', LOGS, 'handler.log');
    await bigFile(file, 64);
    const out = path.join(work, 'o.tar.gz');
    let truncated = false;
    const result = await collectInProcess(path.join(work, 'root'), out, {
      // Truncate from inside the read: after the first mebibytes have been archived.
      onProgress: (p) => { if (!truncated && p.bytes > 4 * 1024 * 1024) { truncated = true; truncateSync(file, 1024 * 1024); } },
    });
    const { extracted, manifest } = await archiveAndManifest(work, out);
    const entry = manifest.entries.find((e) => e.path === `/${LOGS}/handler.log`)!;
    expect(entry).toMatchObject({ outcome: 'changed-during-read', change: 'shrank', size: 64 * 1024 * 1024 });
    expect(entry.bytesRead!).toBeLessThan(entry.size!);
    const archived = await readFile(path.join(extracted, entry.archivePath!));
    expect(archived.subarray(entry.bytesRead!).every((b) => b === 0)).toBe(true);
    expect(createHash('sha256').update(archived).digest('hex')).toBe(entry.sha256);
    expect(result.problems.map((p) => p.path)).toContain(`/${LOGS}/handler.log`);
  });

  it('a file deleted between listing and reading is recorded as vanished', async () => {
    const work = await tempDir();
    const dir = path.join(work, 'root', 'var/lib/waagent/custom-script/download/3');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'script.sh'), 'rm -rf /var/lib/waagent/custom-script\n');
    await writeFile(path.join(dir, 'stdout'), 'done\n');
    const out = path.join(work, 'o.tar.gz');
    const result = await collectInProcess(path.join(work, 'root'), out, {
      beforeItem: async (item) => {
        if (item.kind === 'hit' && item.segments.at(-1)?.toString() === 'script.sh') await unlink(path.join(dir, 'script.sh'));
      },
    });
    const { manifest } = await archiveAndManifest(work, out);
    expect(manifest.entries.find((e) => e.path.endsWith('/3/script.sh'))).toMatchObject({ outcome: 'vanished', archivePath: null, type: 'file' });
    expect(manifest.entries.find((e) => e.path.endsWith('/3/stdout'))).toMatchObject({ outcome: 'collected' });
    expect(result.problems).toHaveLength(1);
  });

  it('a 10 GiB sparse file streams through with bounded memory and an exact hash', async () => {
    const work = await tempDir();
    const file = path.join(work, 'root', LOGS, 'sparse.log');
    await mkdir(path.dirname(file), { recursive: true });
    const size = 10 * 1024 ** 3;
    const fh = await open(file, 'w');
    const markers = [0, 3 * 1024 ** 3 + 17, size - 6];
    for (const at of markers) await fh.write(Buffer.from('MARKER'), 0, 6, at);
    await fh.truncate(size);
    await fh.close();
    const expected = createHash('sha256');
    const zero = Buffer.alloc(8 * 1024 * 1024);
    let pos = 0;
    const sorted = markers.map((m) => [m, m + 6] as const);
    while (pos < size) {
      const next = sorted.find(([s, e]) => e > pos);
      if (next && next[0] <= pos) { const upto = next[1]; expected.update(Buffer.from('MARKER').subarray(pos - next[0], upto - next[0])); pos = upto; continue; }
      const until = Math.min(size, next ? next[0] : size, pos + zero.length);
      expected.update(zero.subarray(0, until - pos));
      pos = until;
    }
    const out = path.join(work, 's.tar.gz');
    const run = await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--output', out], { timeoutMs: 300_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.summary!.peakRssBytes as number).toBeLessThan(150 * 1024 * 1024);
    // One GNU tar pass: members to stdout in archive order, the sparse file first, then manifest.json.
    const fromTar = createHash('sha256');
    let seen = 0;
    const tail: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const tar = spawn('tar', ['-xzOf', out, '--wildcards', 'fs/*', 'manifest.json']);
      tar.stdout.on('data', (c: Buffer) => {
        const inMember = Math.max(0, Math.min(c.length, size - seen));
        if (inMember > 0) fromTar.update(c.subarray(0, inMember));
        if (inMember < c.length) tail.push(c.subarray(inMember));
        seen += c.length;
      });
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exit ${code}`))));
    });
    const manifest = JSON.parse(Buffer.concat(tail).toString('utf8')) as { entries: { path: string; size: number; sha256: string }[] };
    const entry = manifest.entries.find((e) => e.path.endsWith('sparse.log'))!;
    expect(entry.size).toBe(size);
    expect(entry.sha256).toBe(expected.digest('hex'));
    expect(fromTar.digest('hex')).toBe(entry.sha256);
  }, 400_000);
});
