// Bad input on the evidence side: FIFOs, sockets, links, loops, odd and long names, empty files. Nothing may hang, be followed or be lost.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, utimes, writeFile, lstat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExtractedAgainstManifest, extractWithGnuTar, readManifest, sha256File } from '../helpers/archive.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { changesBetween, snapshotTree } from '../helpers/tree-snapshot.ts';

const DL = 'var/lib/waagent/custom-script/download';

async function hostileTree(root: string) {
  const d4 = path.join(root, DL, '4');
  await mkdir(d4, { recursive: true });
  execFileSync('mkfifo', [path.join(d4, 'script.sh')]);                      // a FIFO where the script should be
  await symlink('/dev/zero', path.join(d4, 'stdout'));                        // a link to an endless device
  await symlink('loop-b', path.join(d4, 'loop-a'));                           // a symlink loop
  await symlink('loop-a', path.join(d4, 'loop-b'));
  await symlink('/etc', path.join(root, DL, '5'));                            // a link to a directory outside the root
  await writeFile(path.join(d4, 'stderr'), '');                               // a 0-byte file
  const nonUtf8 = Buffer.concat([Buffer.from(path.join(d4, 'payload-')), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('.sh')]);
  await writeFile(nonUtf8, 'echo latin1\n');
  const longName = `${'n'.repeat(246)}.ps1`;                                  // 250 bytes: over ustar's 100
  await writeFile(path.join(d4, longName), 'echo long name\n');
  const deep = path.join(root, DL, '6', 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60));
  await mkdir(deep, { recursive: true });                                     // path well over 100 chars
  await writeFile(path.join(deep, 'deep.sh'), 'echo deep\n');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(path.join(d4, 'agent.sock'), r)); // a live socket
  return { d4, nonUtf8, longName, deep, server };
}

describe('collect on a hostile tree', () => {
  it('records every special file without opening or following it, archives odd names exactly, and changes nothing', async () => {
    const work = await tempDir();
    const root = path.join(work, 'root');
    const t = await hostileTree(root);
    try {
      const before = await snapshotTree(root);
      const out = path.join(work, 'out.tar.gz');
      const run = await runCli(['collect', '--root', root, '--os', 'linux', '--output', out], { timeoutMs: 30_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(changesBetween(before, await snapshotTree(root))).toEqual([]);

      const extracted = path.join(work, 'x');
      await extractWithGnuTar(out, extracted);
      const manifest = await readManifest(extracted);
      const byPath = new Map(manifest.entries.map((e) => [e.path, e]));
      const vm = (p: string) => `/${path.relative(root, p)}`;

      expect(byPath.get(vm(path.join(t.d4, 'script.sh')))).toMatchObject({ type: 'fifo', outcome: 'special-skipped', archivePath: null });
      expect(byPath.get(vm(path.join(t.d4, 'agent.sock')))).toMatchObject({ type: 'socket', outcome: 'special-skipped', archivePath: null });
      expect(byPath.get(vm(path.join(t.d4, 'stdout')))).toMatchObject({ type: 'symlink', outcome: 'symlink-recorded', linkTarget: '/dev/zero', archivePath: null });
      expect(byPath.get(vm(path.join(t.d4, 'loop-a')))).toMatchObject({ type: 'symlink', outcome: 'symlink-recorded', linkTarget: 'loop-b' });
      expect(byPath.get(`/${DL}/5`)).toMatchObject({ type: 'symlink', outcome: 'symlink-recorded', linkTarget: '/etc' });
      expect(manifest.entries.some((e) => e.path.startsWith(`/${DL}/5/`))).toBe(false);
      expect(byPath.get(vm(path.join(t.d4, 'stderr')))).toMatchObject({ outcome: 'collected', size: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });

      const odd = manifest.entries.find((e) => e.pathBytes);
      expect(odd).toBeDefined();
      expect(Buffer.from(odd!.pathBytes!, 'base64')).toEqual(t.nonUtf8.subarray(Buffer.from(root).length + 1));
      expect(odd!.archivePath).toBe(`fs/${DL}/4/payload-%FF%FEA.sh`);

      const long = byPath.get(vm(path.join(t.d4, t.longName)))!;
      expect(long.archivePath!.length).toBeGreaterThan(100);
      expect(await sha256File(path.join(extracted, long.archivePath!))).toBe(await sha256File(path.join(t.d4, t.longName)));
      const deep = byPath.get(vm(path.join(t.deep, 'deep.sh')))!;
      expect(await sha256File(path.join(extracted, deep.archivePath!))).toBe(await sha256File(path.join(t.deep, 'deep.sh')));

      expect(await checkExtractedAgainstManifest(extracted, manifest)).toBeGreaterThanOrEqual(4);
      expect((await runCli(['verify', out])).status).toBe(0);
    } finally {
      t.server.close();
    }
  });

  it('leaves atime untouched on the files it reads (O_NOATIME)', async () => {
    const work = await tempDir();
    const root = path.join(work, 'root');
    const file = path.join(root, DL, '7', 'script.sh');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'echo atime\n');
    // atime older than mtime: under relatime an ordinary read would update it.
    await utimes(file, new Date('2001-01-01T00:00:00Z'), new Date('2002-01-01T00:00:00Z'));
    const atimeBefore = (await lstat(file, { bigint: true })).atimeNs;
    const run = await runCli(['collect', '--root', root, '--os', 'linux', '--output', path.join(work, 'a.tar.gz')]);
    expect(run.status, run.stderr).toBe(0);
    expect((await lstat(file, { bigint: true })).atimeNs).toBe(atimeBefore);
  });
});
