// npm run bench:watch: the watcher's race against a CSE-like handler at shrinking deletion delays (smallest delay that still preserves 100/100), and its idle CPU and memory.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { HANDLER, scriptOf, settingsOf } from '../test/fixtures/fake-cse-handler.ts';
import { buildLinuxVmTree } from '../test/fixtures/linux-azure-vm.ts';

const bundle = path.resolve('dist/cse-preserve.cjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startWatch(root: string, out: string, state: string) {
  const child = spawn(process.execPath, [bundle, 'watch', '--root', root, '--os', 'linux', '--output-dir', out, '--state-file', state, '--rescan-seconds', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => { err += c; });
  while (!err.includes('watching')) await sleep(50);
  return child;
}

async function race(runs: number, delayMs: number): Promise<{ scripts: number; settings: number }> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'watch-race-'));
  const root = path.join(work, 'root');
  await mkdir(path.join(root, 'var/lib/waagent'), { recursive: true });
  const out = path.join(work, 'out');
  const w = await startWatch(root, out, path.join(work, 'state.json'));
  await new Promise<void>((resolve) => spawn(process.execPath, [path.resolve('test/fixtures/fake-cse-handler.ts'), root, String(runs), String(delayMs)], { stdio: 'inherit' }).on('exit', () => resolve()));
  w.kill('SIGTERM');
  await new Promise((r) => w.on('exit', r));
  const scripts = new Set<number>();
  const settings = new Set<number>();
  for (const name of (await readdir(out)).filter((n) => n.endsWith('.tar.gz'))) {
    const x = path.join(work, 'x', name);
    await mkdir(x, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(out, name), '-C', x]);
    const manifest = JSON.parse(await readFile(path.join(x, 'manifest.json'), 'utf8')) as { entries: { path: string; archivePath: string | null }[] };
    for (const e of manifest.entries) {
      if (!e.archivePath) continue;
      const content = await readFile(path.join(x, e.archivePath), 'utf8');
      const s = /download\/(\d+)\/script\.sh$/.exec(e.path);
      if (s && content === scriptOf(Number(s[1]))) scripts.add(Number(s[1]));
      const c = new RegExp(`${HANDLER.replace(/\./g, '\\.')}/config/(\\d+)\\.settings$`).exec(e.path);
      if (c && content === settingsOf(Number(c[1]))) settings.add(Number(c[1]));
    }
  }
  await rm(work, { recursive: true, force: true });
  return { scripts: scripts.size, settings: settings.size };
}

async function idle(): Promise<{ cpuPercent: number; rssMiB: number }> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'watch-idle-'));
  const root = path.join(work, 'root');
  await buildLinuxVmTree(root);
  const w = await startWatch(root, path.join(work, 'out'), path.join(work, 'state.json'));
  await sleep(3000);
  const ticks = () => { const f = execFileSync('cat', [`/proc/${w.pid}/stat`], { encoding: 'utf8' }).split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
  const t0 = ticks();
  const seconds = 30;
  await sleep(seconds * 1000);
  const cpuPercent = ((ticks() - t0) / 100 / seconds) * 100;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${w.pid}/status`, 'utf8'))![1]) / 1024;
  w.kill('SIGTERM');
  await new Promise((r) => w.on('exit', r));
  await rm(work, { recursive: true, force: true });
  return { cpuPercent, rssMiB: rss };
}

const results: string[] = [];
let smallest: number | null = null;
for (const delay of (process.env.DELAYS ?? "500,200,100,50,20,10,5").split(",").map(Number)) {
  const r = await race(100, delay);
  results.push(`| ${delay} ms | ${r.scripts}/100 | ${r.settings}/100 |`);
  console.error(`delay ${delay} ms: scripts ${r.scripts}/100, settings ${r.settings}/100`);
  if (r.scripts === 100 && r.settings === 100) smallest = delay; else break;
}
const i = await idle();
console.log(['| deletion delay | scripts preserved | settings preserved |', '|---|---|---|', ...results, '',
  `Smallest delay with 100/100: ${smallest ?? 'none'} ms. Idle watcher on the demo tree (30 s, rescan every 5 s): ${i.cpuPercent.toFixed(2)}% of one core, RSS ${i.rssMiB.toFixed(1)} MiB.`].join('\n'));
