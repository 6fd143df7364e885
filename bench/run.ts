// npm run bench: the built linux-x64 binary in each compression mode against tar/gzip/zstd/sha256sum pipelines on the same files, alternating rounds; plus tier-0 commit time, upload vs bare uploadStream, and --version start time.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AnonymousCredential, ContainerClient } from '@azure/storage-blob';
import { buildLinuxVmTree } from '../test/fixtures/linux-azure-vm.ts';
import { containerWithSas, startAzurite } from '../test/helpers/azurite.ts';
import { buildSingleBinaries } from '../scripts/build-single-binary.ts';

const { values } = parseArgs({ options: { 'size-gib': { type: 'string', default: '1' }, rounds: { type: 'string', default: '3' }, 'work-dir': { type: 'string' } } });
const sizeBytes = Math.round(Number(values['size-gib']) * 1024 ** 3);
const rounds = Number(values.rounds);
const work = path.resolve(values['work-dir'] ?? path.join(os.tmpdir(), 'cse-preserve-bench'));
const binary = path.resolve('dist/bin/cse-preserve-linux-x64');
const MiB = 1024 * 1024;

interface Sample { wall: number; cpu: number; rssKiB: number; outBytes: number }
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

/** Runs `sh -c cmd` under GNU time; wall, user+sys CPU and peak RSS (largest process). */
function timed(cmd: string, outFile?: string): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'sh', '-c', cmd], { encoding: 'utf8', maxBuffer: 64 * MiB });
  if (r.status !== 0 && r.status !== 3) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const [wall, user, sys, rss] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number, number];
  const outBytes = outFile && existsSync(outFile) ? statSync(outFile).size : Number(/^(\d+)/.exec(r.stdout.trim())?.[1] ?? 0);
  return { wall, cpu: user + sys, rssKiB: rss, outBytes };
}

async function main(): Promise<void> {
  if (!existsSync(binary)) await buildSingleBinaries({ targets: ['linux-x64'] });
  mkdirSync(work, { recursive: true });
  const tree = path.join(work, `tree-${values['size-gib']}gib`);
  if (!existsSync(path.join(tree, '.complete'))) {
    rmSync(tree, { recursive: true, force: true });
    console.error(`generating a ${values['size-gib']} GiB Linux Azure VM tree in ${tree} ...`);
    await buildLinuxVmTree(tree, { bulkLogBytes: sizeBytes });
    writeFileSync(path.join(tree, '.complete'), '');
  }
  // The baselines archive exactly the regular files the tool collects (its plan), so both sides read the same bytes.
  const plan = execFileSync(binary, ['plan', '--root', tree, '--os', 'linux', '--json'], { encoding: 'utf8', maxBuffer: 256 * MiB })
    .trim().split('\n').map((l) => JSON.parse(l) as { type: string; size: number; path: string });
  const files = plan.filter((p) => p.type === 'file');
  const inputBytes = files.reduce((n, f) => n + f.size, 0);
  const list = path.join(work, 'files.txt');
  writeFileSync(list, files.map((f) => f.path.slice(1)).join('\n') + '\n');
  const out = path.join(work, 'out');
  const tarIn = `tar -cf - --no-recursion -C ${tree} -T ${list}`;
  const modes: Record<string, { cmd: string; file?: string }> = {
    'cse-preserve gzip': { cmd: `${binary} collect --root ${tree} --os linux --compress gzip --output ${out}.tar.gz >/dev/null`, file: `${out}.tar.gz` },
    'cse-preserve zstd': { cmd: `${binary} collect --root ${tree} --os linux --compress zstd --output ${out}.tar.zst >/dev/null`, file: `${out}.tar.zst` },
    'cse-preserve none': { cmd: `${binary} collect --root ${tree} --os linux --compress none --output ${out}.tar >/dev/null`, file: `${out}.tar` },
    'tar | gzip -1 | sha256sum': { cmd: `${tarIn} | gzip -1 | tee ${out}.b.gz | sha256sum >/dev/null`, file: `${out}.b.gz` },
    'tar -cz (gzip -6) | sha256sum': { cmd: `tar -czf - --no-recursion -C ${tree} -T ${list} | tee ${out}.b6.gz | sha256sum >/dev/null`, file: `${out}.b6.gz` },
    'tar | zstd -1 | sha256sum': { cmd: `${tarIn} | zstd -1 -q | tee ${out}.b.zst | sha256sum >/dev/null`, file: `${out}.b.zst` },
    'tar | sha256sum': { cmd: `${tarIn} | tee ${out}.b.tar | sha256sum >/dev/null`, file: `${out}.b.tar` },
  };
  const names = Object.keys(modes);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]!); // alternate who goes first
    for (const name of order) {
      const m = modes[name]!;
      for (const f of [m.file, `${m.file}.sha256`]) if (f) rmSync(f, { force: true });
      samples[name]!.push(timed(m.cmd, m.file));
      console.error(`round ${r + 1} ${name}: ${samples[name]!.at(-1)!.wall.toFixed(2)} s`);
    }
  }
  for (const m of Object.values(modes)) for (const f of [m.file, `${m.file}.sha256`]) if (f) rmSync(f, { force: true });

  const mbps = (s: Sample) => inputBytes / MiB / s.wall;
  const rows = names.map((name) => {
    const xs = samples[name]!;
    return { name, mbps: median(xs.map(mbps)), mbpsMin: Math.min(...xs.map(mbps)), mbpsMax: Math.max(...xs.map(mbps)), cpu: median(xs.map((s) => s.cpu)), rssMiB: Math.max(...xs.map((s) => s.rssKiB)) / 1024, outMiB: median(xs.map((s) => s.outBytes)) / MiB };
  });
  const ratio = (a: string, b: string) => {
    const rs = samples[a]!.map((s, i) => samples[b]![i]!.wall / s.wall);
    return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
  };
  const ratios = {
    'gzip vs tar|gzip -1|sha256sum (target 1.8)': ratio('cse-preserve gzip', 'tar | gzip -1 | sha256sum'),
    'gzip vs tar -cz|sha256sum (UAC)': ratio('cse-preserve gzip', 'tar -cz (gzip -6) | sha256sum'),
    'zstd vs tar|zstd -1|sha256sum (target 1.0)': ratio('cse-preserve zstd', 'tar | zstd -1 | sha256sum'),
    'none vs tar|sha256sum (target 1.5)': ratio('cse-preserve none', 'tar | sha256sum'),
  };

  // Tier 0 off the box, collect+upload vs a bare uploadStream of the same bytes, against a local Azurite.
  const azurite = await startAzurite();
  let upload: Record<string, number> = {};
  try {
    const container = await containerWithSas(azurite.endpoint, 'bench');
    const env = { ...process.env, CSE_PRESERVE_SAS: container.sas };
    const t0 = Date.now();
    const run = spawnSync(binary, ['collect', '--root', tree, '--os', 'linux', '--compress', 'none', '--no-imds', '--container-url', container.url], { env, encoding: 'utf8', maxBuffer: 64 * MiB });
    const collectWall = (Date.now() - t0) / 1000;
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as { tier0CommittedMs: number; archives: { bytes: number }[]; peakRssBytes: number };
    const uploadedBytes = summary.archives.reduce((n, a) => n + a.bytes, 0);
    // The same number of bytes through the SDK's own uploadStream (8 MiB x 4), from the tool's plain tar of the tree.
    execFileSync(binary, ['collect', '--root', tree, '--os', 'linux', '--compress', 'none', '--output', `${out}.up.tar`], { stdio: 'ignore' });
    const client = new ContainerClient(`${container.url}?${container.sas}`, new AnonymousCredential()).getBlockBlobClient('bare/upload.tar');
    const t1 = Date.now();
    await client.uploadStream(createReadStream(`${out}.up.tar`, { highWaterMark: 4 * MiB }), 8 * MiB, 4);
    const bareWall = (Date.now() - t1) / 1000;
    const bareBytes = statSync(`${out}.up.tar`).size;
    rmSync(`${out}.up.tar`, { force: true });
    rmSync(`${out}.up.tar.sha256`, { force: true });
    upload = {
      tier0CommittedMs: summary.tier0CommittedMs,
      collectUploadMBps: uploadedBytes / MiB / collectWall,
      bareUploadStreamMBps: bareBytes / MiB / bareWall,
      ratio: (uploadedBytes / collectWall) / (bareBytes / bareWall),
      collectUploadPeakRssMiB: summary.peakRssBytes / MiB,
    };
  } finally {
    await azurite.stop();
  }

  // Build time of one target (the Node binaries are cached in .cache/node-bins after the first build).
  const buildDir = path.join(work, 'build');
  const tb = Date.now();
  await buildSingleBinaries({ targets: ['linux-x64'], outDir: buildDir, log: () => undefined });
  const buildSeconds = (Date.now() - tb) / 1000;
  rmSync(buildDir, { recursive: true, force: true });

  const versionRuns = Array.from({ length: 10 }, () => { const t = process.hrtime.bigint(); execFileSync(binary, ['--version']); return Number(process.hrtime.bigint() - t) / 1e6; });
  const result = {
    date: new Date().toISOString(), machine: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`,
    tree: { path: tree, files: files.length, inputMiB: inputBytes / MiB }, rounds, rows, ratios, upload,
    versionStartMs: { median: median(versionRuns), min: Math.min(...versionRuns), max: Math.max(...versionRuns) },
    binaryBytes: statSync(binary).size,
    buildSeconds,
  };

  const f1 = (n: number) => n.toFixed(1);
  const md = [
    `# cse-preserve bench, ${result.date}`, '',
    `${result.machine}; ${files.length} files, ${f1(inputBytes / MiB)} MiB of input; ${rounds} alternating rounds, warm page cache.`, '',
    '| pipeline | MB/s median (min–max) | CPU s | peak RSS MiB | output MiB |', '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name.replaceAll('|', '\\|')} | ${f1(r.mbps)} (${f1(r.mbpsMin)}–${f1(r.mbpsMax)}) | ${f1(r.cpu)} | ${f1(r.rssMiB)} | ${f1(r.outMiB)} |`), '',
    '| ratio (speed of cse-preserve / baseline) | median | min–max |', '|---|---|---|',
    ...Object.entries(ratios).map(([k, v]) => `| ${k.replaceAll('|', '\\|')} | ${v.median.toFixed(2)} | ${v.min.toFixed(2)}–${v.max.toFixed(2)} |`), '',
    `Azurite: tier-0 committed ${upload.tier0CommittedMs} ms after process start; collect+upload ${f1(upload.collectUploadMBps!)} MB/s vs bare uploadStream ${f1(upload.bareUploadStreamMBps!)} MB/s (ratio ${upload.ratio!.toFixed(2)}), peak RSS ${f1(upload.collectUploadPeakRssMiB!)} MiB.`,
    `--version: ${f1(result.versionStartMs.median)} ms median (${f1(result.versionStartMs.min)}–${f1(result.versionStartMs.max)}); binary ${f1(result.binaryBytes / MiB)} MiB; linux-x64 build ${f1(buildSeconds)} s (Node binaries cached).`, '',
  ].join('\n');
  const dir = path.resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = result.date.replace(/[:.]/g, '-');
  writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(path.join(dir, `${stamp}.md`), md);
  console.log(md);
}

await main();
