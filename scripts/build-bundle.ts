// Bundles agent/main.ts with esbuild into dist/cse-preserve.cjs (CommonJS, Node 22), with version and commit baked in.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
  if (dirty) commit += '-dirty';
} catch { /* not a git checkout */ }

export async function bundle(outfile = 'dist/cse-preserve.cjs'): Promise<void> {
  await build({
    entryPoints: ['agent/main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    minify: false,
    legalComments: 'none',
    logLevel: 'warning',
    // yargs 18 is ESM-only and reads import.meta.url; esbuild's CJS output would leave it undefined.
    define: {
      'import.meta.url': '__import_meta_url',
      __CSE_PRESERVE_VERSION__: JSON.stringify(pkg.version),
      __CSE_PRESERVE_COMMIT__: JSON.stringify(commit),
    },
    banner: { js: '#!/usr/bin/env node\nvar __import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundle();
  console.log(`built dist/cse-preserve.cjs (${pkg.version}, ${commit})`);
}
