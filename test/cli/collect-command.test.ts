// The collect command's contract: the JSON summary is stdout's last line and fits Run Command's 4,096 bytes, exit codes, and refusals that write nothing.
import { mkdir, readdir, writeFile, chmod, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { changesBetween, snapshotTree } from '../helpers/tree-snapshot.ts';

async function tree(root: string, files = 1): Promise<string> {
  const d = path.join(root, 'var/lib/waagent/custom-script/download/0');
  await mkdir(d, { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(path.join(d, `f${i}-${'x'.repeat(80)}.sh`), `echo ${i}\n`);
  return d;
}

describe('collect command', () => {
  it('ends stdout with exactly one JSON summary line of at most 4,096 bytes, even with 200 problems, and exits 3 (partial)', async () => {
    const work = await tempDir();
    await chmod(work, 0o755);
    const d = await tree(path.join(work, 'root'), 200);
    for (const f of await readdir(d)) await chmod(path.join(d, f), 0o000);
    const outDir = path.join(work, 'out');
    await mkdir(outDir, { mode: 0o777 });
    await chmod(outDir, 0o777);
    const run = await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--output', path.join(outDir, 'o.tar.gz')], { asNobody: true });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(Buffer.byteLength(lines[0]!)).toBeLessThanOrEqual(4096);
    expect(run.summary).toMatchObject({ status: 'partial', truncated: true, outcomes: { denied: 200 } });
    expect(run.status).toBe(3);
    expect((await runCli(['verify', path.join(outDir, 'o.tar.gz')])).status).toBe(0);
  });

  it('refuses an output inside the evidence root or an existing output, with exit 2 and nothing written', async () => {
    const work = await tempDir();
    const root = path.join(work, 'root');
    await tree(root);
    const before = await snapshotTree(root);
    const inside = await runCli(['collect', '--root', root, '--os', 'linux', '--output', path.join(root, 'x.tar.gz')]);
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/inside the evidence root.*\n.*what to do/);
    expect(changesBetween(before, await snapshotTree(root))).toEqual([]);

    const existing = path.join(work, 'exists.tar.gz');
    await writeFile(existing, 'earlier evidence');
    const again = await runCli(['collect', '--root', root, '--os', 'linux', '--output', existing]);
    expect(again.status).toBe(2);
    expect(again.summary).toMatchObject({ status: 'failed', code: 'CSE_OUTPUT_EXISTS' });
  });

  it('resolves a --root that is itself a symlink (chosen by the operator); links inside the evidence stay unfollowed', async () => {
    const work = await tempDir();
    await tree(path.join(work, 'real'));
    await symlink(path.join(work, 'real'), path.join(work, 'link'));
    const run = await runCli(['collect', '--root', path.join(work, 'link'), '--os', 'linux', '--output', path.join(work, 'o.tar.gz')]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.summary).toMatchObject({ status: 'ok', files: 1 });
  });

  it('refuses an output at a path the catalog collects on a live root', async () => {
    const run = await runCli(['collect', '--root', '/', '--os', 'linux', '--output', '/var/lib/waagent/custom-script/download/out.tar.gz']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/catalog collects/);
  });

  it('streams the archive to stdout with --output - and puts the summary on stderr', async () => {
    const work = await tempDir();
    await tree(path.join(work, 'root'));
    const run = await runCli(['collect', '--root', path.join(work, 'root'), '--os', 'linux', '--compress', 'none', '--output', '-']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.slice(0, 300)).toContain('fs/var/lib/waagent/custom-script/download');
    expect(JSON.parse(run.stderr.trimEnd().split('\n').pop()!)).toMatchObject({ status: 'ok', archive: 'stdout' });
  });

  it('prints version and help with examples; rejects unknown options with exit 2', async () => {
    const v = await runCli(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+ \(commit \S+, linux-x64\)/);
    const h = await runCli(['collect', '--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('Examples:');
    const bad = await runCli(['collect', '--no-such-flag']);
    expect(bad.status).toBe(2);
    expect(bad.summary).toMatchObject({ status: 'failed', code: 'CSE_USAGE' });
  });
});
