// npm run bench:watch: the watcher's race against a CSE-like handler at shrinking deletion delays (smallest delay that still preserves 100/100), and its idle CPU and memory.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildLinuxVmTree } from '../test/fixtures/linux-azure-vm.ts';
import { startWatch } from '../test/helpers/watch-process.ts';
import { raceOnce } from '../test/helpers/watch-race.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function idle(): Promise<{ cpuPercent: number; rssMiB: number }> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'watch-idle-'));
  const root = path.join(work, 'root');
  await buildLinuxVmTree(root);
  const w = (await startWatch(['--root', root, '--os', 'linux', '--output-dir', path.join(work, 'out'), '--state-file', path.join(work, 'state.json'), '--rescan-seconds', '5'])).child;
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
  const r = await raceOnce(100, delay);
  results.push(`| ${delay} ms | ${r.scripts}/100 | ${r.settings}/100 |`);
  console.error(`delay ${delay} ms: scripts ${r.scripts}/100, settings ${r.settings}/100`);
  if (r.scripts === 100 && r.settings === 100) smallest = delay; else break;
}
const i = await idle();
console.log(['| deletion delay | scripts preserved | settings preserved |', '|---|---|---|', ...results, '',
  `Smallest delay with 100/100: ${smallest ?? 'none'} ms. Idle watcher on the demo tree (30 s, rescan every 5 s): ${i.cpuPercent.toFixed(2)}% of one core, RSS ${i.rssMiB.toFixed(1)} MiB.`].join('\n'));
