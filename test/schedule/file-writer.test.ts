// Installation files are never visible half-written or with looser permissions; directories are created and recorded parents first.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDir, writeFileAtomic } from '../../agent/schedule/file-writer.ts';
import { treePaths } from '../../agent/schedule/host-paths.ts';
import { isSafeRelPath } from '../../agent/schedule/install-record.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('writeFileAtomic', () => {
  it('creates the file with its final mode before any byte is in it, even with umask 0, and only then renames it into place', async () => {
    const dir = await tempDir();
    const fifo = path.join(dir, 'source.fifo');
    execFileSync('mkfifo', [fifo]);
    const dest = path.join(dir, 'sas');
    const old = process.umask(0);
    let pending: Promise<unknown>;
    try {
      // Copying from a FIFO blocks until it is written: the temporary file can be inspected mid-write.
      pending = writeFileAtomic(dest, { copyFrom: fifo }, 0o600);
      let tmp: string | undefined;
      for (let i = 0; i < 200 && !tmp; i++) {
        tmp = (await readdir(dir)).find((n) => n.startsWith('.sas.') && n.endsWith('.tmp'));
        if (!tmp) await new Promise((r) => setTimeout(r, 10));
      }
      expect(tmp).toBeDefined();
      expect((await lstat(path.join(dir, tmp!))).mode & 0o777).toBe(0o600);
      expect(await readdir(dir)).not.toContain('sas');
      const w = createWriteStream(fifo);
      w.end('sv=1&sig=secret');
      await pending;
    } finally { process.umask(old); }
    expect(await readFile(dest, 'utf8')).toBe('sv=1&sig=secret');
    expect((await lstat(dest)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['sas', 'source.fifo']);
  });

  it('replaces an existing file with a fresh one of the new mode, and reports size and SHA-256', async () => {
    const dir = await tempDir();
    const dest = path.join(dir, 'f');
    await writeFile(dest, 'old', { mode: 0o666 });
    const before = (await lstat(dest)).ino;
    const w = await writeFileAtomic(dest, Buffer.from('new'), 0o600);
    expect(w).toEqual({ bytes: 3, sha256: '11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437' });
    const s = await lstat(dest);
    expect(s.ino).not.toBe(before);
    expect(s.mode & 0o777).toBe(0o600);
  });

  it('fails with a ScheduleError and leaves no temporary file when the directory is missing', async () => {
    const dir = await tempDir();
    await expect(writeFileAtomic(path.join(dir, 'nope', 'f'), Buffer.from('x'), 0o644)).rejects.toThrow(/cannot write .*ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('ensureDir', () => {
  it('creates missing directories parents first with their modes and records only those', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'etc'));
    const created: string[] = [];
    await ensureDir(treePaths(root), 'etc/cse-preserve/deep', (rel) => (rel === 'etc/cse-preserve' ? 0o700 : 0o755), created);
    expect(created).toEqual(['etc/cse-preserve', 'etc/cse-preserve/deep']);
    expect((await lstat(path.join(root, 'etc/cse-preserve'))).mode & 0o777).toBe(0o700);
    await writeFile(path.join(root, 'file'), '');
    await expect(ensureDir(treePaths(root), 'file/sub', () => 0o755, [])).rejects.toThrow(/exists and is not a directory/);
  });
});

describe('installed.json paths', () => {
  it('accepts only relative paths that stay below the system root', () => {
    for (const ok of ['etc/cse-preserve/sas', 'C/Program Files/cse-preserve/cse-preserve.exe']) expect(isSafeRelPath(ok), ok).toBe(true);
    for (const bad of ['', '/etc/passwd', '../x', 'etc/../../x', 'etc/./x', 'etc//x', 'C:\\Windows', 'C:/x', 'a\\b', 'x\0y', 3]) expect(isSafeRelPath(bad), String(bad)).toBe(false);
  });
});
