// GNU tar, bsdtar and 7-Zip all open the archive (pax long names included) and extract bytes equal to the manifest; mactime reads the bodyfile.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExtractedAgainstManifest, readManifest } from '../helpers/archive.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const READERS: [string, (archive: string, into: string) => string[]][] = [
  ['GNU tar', (a, d) => ['tar', '-xf', a, '-C', d]],
  ['bsdtar', (a, d) => ['bsdtar', '-xf', a, '-C', d]],
  // 7-Zip opens .tar.gz / .tar.zst in two steps: decompress, then tar.
  ['7-Zip', (a, d) => (a.endsWith('.tar')
    ? ['7zz', 'x', '-y', `-o${d}`, a]
    : ['sh', '-c', `7zz x -so ${JSON.stringify(a)} | 7zz x -si -ttar -o${JSON.stringify(d)} >/dev/null`])],
];
const CASES = READERS.flatMap(([name, cmd]) => (['gzip', 'zstd', 'none'] as const).map((c) => [name, c, cmd] as const));

describe('archive readers', () => {
  // Over 4 MiB, so the archive is several independently compressed blocks (gzip members / zstd frames).
  it.each(CASES)('%s extracts every member of a %s archive with the bytes the manifest hashes', async (_name, compress, command) => {
    const work = await tempDir();
    const dl = path.join(work, 'root/var/lib/waagent/run-command-handler/download/MyRunCmd/1');
    const deep = path.join(dl, 'x'.repeat(90), 'y'.repeat(90));
    await mkdir(deep, { recursive: true });
    await writeFile(path.join(dl, 'script.sh'), '#!/bin/bash\nid\n');
    await writeFile(path.join(deep, `${'z'.repeat(200)}.txt`), 'long path payload\n');
    await writeFile(path.join(dl, 'stdout'), Buffer.from(Array.from({ length: 400_000 }, (_, i) => `line ${i} ${(i * 2654435761) % 4294967296}\n`).join('')));
    const out = path.join(work, { gzip: 'a.tar.gz', zstd: 'a.tar.zst', none: 'a.tar' }[compress]);
    expect((await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--compress', compress, '--output', out])).status).toBe(0);
    expect((await runCli(['verify', out])).status).toBe(0);
    const into = path.join(work, 'x');
    await mkdir(into);
    const [cmd, ...args] = command(out, into);
    execFileSync(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const manifest = await readManifest(into);
    expect(await checkExtractedAgainstManifest(into, manifest)).toBe(3);
  });

  it('mactime reads the bodyfile', async () => {
    const work = await tempDir();
    const dl = path.join(work, 'root/var/lib/waagent/custom-script/download/0');
    await mkdir(dl, { recursive: true });
    await writeFile(path.join(dl, 'script.sh'), 'id\n');
    const out = path.join(work, 'a.tar.gz');
    expect((await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--output', out])).status).toBe(0);
    execFileSync('tar', ['-xzf', out, '-C', work, 'bodyfile.txt']);
    const timeline = execFileSync('mactime', ['-b', path.join(work, 'bodyfile.txt'), '-d', '-z', 'UTC'], { encoding: 'utf8' });
    expect(timeline).toContain('/var/lib/waagent/custom-script/download/0/script.sh');
    expect(timeline).toMatch(/r\/rrw-r--r--/);
  });
});
