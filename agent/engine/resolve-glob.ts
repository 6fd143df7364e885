// Resolves one catalog glob below the evidence root by walking directories with lstat only: symlinks are reported, never followed.
import { lstat, readdir } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import picomatch from 'picomatch';
import type { EvidenceSegments, Platform } from './platform.ts';

export interface GlobHit {
  segments: EvidenceSegments;
  /** lstat of the hit; null when it could not be taken (see `error`). */
  stat: BigIntStats | null;
  error?: NodeJS.ErrnoException;
  note?: string;
}

const GLOB_CHARS = /[*?[\]{}!]/;

interface Node { segments: Buffer[]; stat: BigIntStats }

export async function* resolveGlob(platform: Platform, root: string, glob: string): AsyncGenerator<GlobHit> {
  const patterns = platform.globSegments(glob);
  const nocase = platform.caseInsensitive;
  const matchers = patterns.map((p) => (p === '**' ? null : picomatch(p, { dot: true, nocase })));
  const rootPath = platform.hostPath(root, []);
  const activeDirs = new Set<string>();

  async function childrenOf(node: Node): Promise<Buffer[] | NodeJS.ErrnoException> {
    try {
      const names = await readdir(platform.hostPath(root, node.segments), { encoding: 'buffer' });
      return names.sort(Buffer.compare);
    } catch (err) {
      return err as NodeJS.ErrnoException;
    }
  }

  async function statChild(parent: EvidenceSegments, name: Buffer): Promise<GlobHit> {
    const segments = [...parent, name];
    try {
      return { segments, stat: await lstat(platform.hostPath(root, segments), { bigint: true }) };
    } catch (err) {
      return { segments, stat: null, error: err as NodeJS.ErrnoException };
    }
  }

  async function* children(node: Node, index: number): AsyncGenerator<GlobHit> {
    const pattern = patterns[index]!;
    if (!nocase && !GLOB_CHARS.test(pattern)) {
      const hit = await statChild(node.segments, Buffer.from(pattern));
      if (hit.stat || (hit.error && hit.error.code !== 'ENOENT' && hit.error.code !== 'ENOTDIR')) yield hit;
      return;
    }
    const names = await childrenOf(node);
    if (!Array.isArray(names)) {
      if (names.code !== 'ENOENT' && names.code !== 'ENOTDIR') yield { segments: node.segments, stat: node.stat, error: names };
      return;
    }
    const matcher = matchers[index];
    for (const name of names) {
      if (matcher && !matcher(name.toString('utf8'))) continue;
      yield await statChild(node.segments, name);
    }
  }

  async function* walk(node: Node, index: number): AsyncGenerator<GlobHit> {
    if (index === patterns.length) {
      yield { segments: node.segments, stat: node.stat };
      return;
    }
    if (node.stat.isSymbolicLink()) {
      const onlyGlobstarLeft = patterns.slice(index).every((p) => p === '**');
      yield { segments: node.segments, stat: node.stat, ...(onlyGlobstarLeft ? {} : { note: 'symlink in the middle of a catalog path: not followed' }) };
      return;
    }
    if (patterns[index] === '**') yield* walk(node, index + 1);
    if (!node.stat.isDirectory()) return;
    const dirKey = `${node.stat.dev}:${node.stat.ino}`;
    if (activeDirs.has(dirKey)) return; // a bind-mount loop: the same directory again below itself
    activeDirs.add(dirKey);
    try {
      for await (const hit of children(node, index)) {
        if (!hit.stat) { yield hit; continue; }
        yield* walk({ segments: hit.segments as Buffer[], stat: hit.stat }, patterns[index] === '**' ? index : index + 1);
      }
    } finally {
      activeDirs.delete(dirKey);
    }
  }

  if (rootPath.length === 0) {
    // A root with no directory of its own (live Windows: the machine's drives): the first segment is named, never listed.
    const first = patterns[0];
    if (first === undefined || GLOB_CHARS.test(first)) return;
    const hit = await statChild([], Buffer.from(first));
    if (hit.stat) yield* walk({ segments: hit.segments as Buffer[], stat: hit.stat }, 1);
    else if (hit.error && hit.error.code !== 'ENOENT' && hit.error.code !== 'ENOTDIR') yield hit;
    return;
  }
  yield* walk({ segments: [], stat: await lstat(rootPath, { bigint: true }) }, 0);
}
