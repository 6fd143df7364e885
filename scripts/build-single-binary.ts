// Builds one self-contained binary per target (linux-x64, linux-arm64, win-x64): esbuild bundle -> Node SEA blob -> postject into npm-packaged Node 22 binaries, plus SHA256SUMS.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './build-bundle.ts';
import { fetchNodeTarget, DEFAULT_NODE_VERSION, NODE_TARGETS, type NodeTarget } from './fetch-node-target.ts';

const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface BuiltBinary { target: NodeTarget; file: string; bytes: number; sha256: string }

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const outName = (target: NodeTarget) => `cse-preserve-${target}${target.startsWith('win-') ? '.exe' : ''}`;

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Removes what differs between two builds of the same input but does not matter (debug info, the broken Authenticode signature). */
function prepareHost(target: NodeTarget, node: string, out: string): void {
  if (target === 'linux-x64') run('strip', ['--strip-all', '-o', out, node]);
  else if (target === 'linux-arm64') run('aarch64-linux-gnu-strip', ['--strip-all', '-o', out, node]);
  // Injecting the blob breaks the official Authenticode signature; remove it so the exe is clean (sign afterwards if a certificate is given).
  else run('osslsigncode', ['remove-signature', '-in', node, '-out', out]);
}

/** Optional Authenticode signing of the Windows binary with a PKCS#12 certificate; the password goes through a 0600 file, never argv. */
export function signWindows(file: string, pfx: string, passwordEnv: string | undefined): void {
  const signed = `${file}.signed`;
  const pass = passwordEnv ? process.env[passwordEnv] ?? '' : '';
  const passFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sign-')), 'pass');
  writeFileSync(passFile, pass, { mode: 0o600 });
  try {
    run('osslsigncode', ['sign', '-pkcs12', pfx, '-readpass', passFile, '-n', 'cse-preserve', '-h', 'sha256', '-in', file, '-out', signed]);
  } finally {
    rmSync(path.dirname(passFile), { recursive: true, force: true });
  }
  rmSync(file);
  copyFileSync(signed, file);
  rmSync(signed);
}

export async function buildSingleBinaries(options: { targets?: NodeTarget[]; outDir?: string; nodeVersion?: string; signPfx?: string; signPasswordEnv?: string; log?: (l: string) => void } = {}): Promise<BuiltBinary[]> {
  const log = options.log ?? ((l: string) => console.error(l));
  const targets = options.targets ?? [...NODE_TARGETS];
  const outDir = path.resolve(options.outDir ?? 'dist/bin');
  const work = path.resolve('dist/sea');
  const version = options.nodeVersion ?? DEFAULT_NODE_VERSION;
  mkdirSync(outDir, { recursive: true });
  mkdirSync(work, { recursive: true });

  const started = Date.now();
  const bundlePath = path.join(work, 'cse-preserve.cjs');
  await bundle(bundlePath);
  // The blob must be made by a Node of exactly the targets' version; the x64 one runs here.
  const builderNode = await fetchNodeTarget('linux-x64', { version, log });
  const blob = path.join(work, 'sea-prep.blob');
  const config = path.join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({
    main: bundlePath, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, useSnapshot: false,
    // A small young generation: many short-lived chunk objects; peak RSS ~25 MB lower at the same speed (bench/).
    execArgv: ['--max-semi-space-size=4'],
    // NODE_OPTIONS is ignored: nobody can inject code (--require) into a collector running as root/SYSTEM.
    execArgvExtension: 'none',
  }));
  run(builderNode, ['--experimental-sea-config', config]);
  const blobData = readFileSync(blob);
  const { inject } = await import('postject');

  const built: BuiltBinary[] = [];
  for (const target of targets) {
    const node = await fetchNodeTarget(target, { version, log });
    const file = path.join(outDir, outName(target));
    rmSync(file, { force: true });
    prepareHost(target, node, file);
    // postject prints LIEF notes about ELF sections; they are harmless.
    const quiet = console.log;
    console.log = () => undefined;
    try { await inject(file, 'NODE_SEA_BLOB', blobData, { sentinelFuse: SENTINEL }); } finally { console.log = quiet; }
    if (target === 'win-x64' && options.signPfx) signWindows(file, options.signPfx, options.signPasswordEnv);
    built.push({ target, file, bytes: statSync(file).size, sha256: sha256(file) });
    log(`${path.basename(file)}: ${statSync(file).size} bytes`);
  }
  // Every binary in the folder, so a build of one target keeps the others listed.
  const all = readdirSync(outDir).filter((n) => /^cse-preserve-[a-z0-9-]+(\.exe)?$/.test(n)).sort();
  writeFileSync(path.join(outDir, 'SHA256SUMS'), all.map((n) => `${sha256(path.join(outDir, n))}  ${n}\n`).join(''));
  log(`built ${built.length} binaries in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return built;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', multiple: true },
      'out-dir': { type: 'string' },
      'sign-pfx': { type: 'string' },
      'sign-password-env': { type: 'string' },
    },
  });
  const built = await buildSingleBinaries({
    targets: values.target as NodeTarget[] | undefined, outDir: values['out-dir'],
    signPfx: values['sign-pfx'], signPasswordEnv: values['sign-password-env'],
  });
  for (const b of built) console.log(`${b.sha256}  ${b.file}  ${b.bytes}`);
}
