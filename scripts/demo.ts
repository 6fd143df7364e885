// The embedded demo: a generated Linux Azure VM tree, a local Azurite container and a create+write-only SAS; collects into it, downloads with the account key, verifies.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildLinuxVmTree } from '../test/fixtures/linux-azure-vm.ts';
import { containerWithSas, startAzurite } from '../test/helpers/azurite.ts';
import { downloadRun } from '../test/helpers/download-run.ts';
import { startFakeImds } from '../test/helpers/fake-imds.ts';

const bundle = path.resolve('dist/cse-preserve.cjs');
const work = await mkdtemp(path.join(os.tmpdir(), 'cse-preserve-demo-'));
const root = path.join(work, 'demo-vm');
const tree = await buildLinuxVmTree(root);
console.log(`demo VM tree: ${root} (${tree.files.length} files)`);

const azurite = await startAzurite();
const imds = await startFakeImds(); // stands in for 169.254.169.254, which only exists on an Azure VM
try {
  const container = await containerWithSas(azurite.endpoint, 'evidence', 'cw');
  console.log(`Azurite: ${azurite.endpoint} (data in ${azurite.location}); container ${container.url}; SAS permissions: create+write only`);
  const run = spawnSync(process.execPath, [bundle, 'collect', '--root', root, '--os', 'linux', '--container-url', container.url, '--imds-endpoint', imds.endpoint], {
    env: { ...process.env, CSE_PRESERVE_SAS: container.sas }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(`\n$ cse-preserve collect --root ${root} --container-url ${container.url}\n${run.stdout}\n`);
  if (run.status !== 0) throw new Error(`collect exited ${run.status}`);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as { folder: string };

  const downloads = path.join(work, 'downloaded');
  const blobs = await downloadRun(azurite.endpoint, 'evidence', summary.folder, downloads);
  console.log(`blobs in ${container.url}/${summary.folder}/ (downloaded with the account key to ${downloads}):`);
  for (const [name, { file, metadata }] of blobs) {
    const sha = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    let verdict = '';
    if (name.endsWith('.tar.gz')) {
      const v = spawnSync(process.execPath, [bundle, 'verify', file], { encoding: 'utf8' });
      verdict = v.status === 0 ? `verify: ok (${JSON.parse(v.stdout.trim()).filesChecked} files)` : `verify: FAILED ${v.stdout}`;
      if (v.status !== 0) process.exitCode = 1;
    }
    console.log(`  ${name.padEnd(16)} sha256 ${sha}  ${verdict}${metadata.sha256 ? `  (metadata sha256 ${metadata.sha256 === sha ? 'matches' : 'DIFFERS'})` : ''}`);
  }
  console.log(`\nSHA256SUMS:\n${await readFile(blobs.get('SHA256SUMS')!.file, 'utf8')}`);
  console.log(`Open an archive: tar -xzf ${path.join(downloads, 'tier0.tar.gz')} -C /tmp/x && less /tmp/x/manifest.json`);
} finally {
  await imds.close();
  await azurite.stop();
}
