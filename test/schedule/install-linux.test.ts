// schedule install/uninstall/status for Linux into a temp --system-root: every file's content and mode, the SAS kept secret, dry run, refusals, exact uninstall, status, and the systemctl calls.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSchedule } from '../../agent/cli/commands/schedule.ts';
import { runCli } from '../../agent/cli/create-cli.ts';
import { bundle } from '../../scripts/build-bundle.ts';
import { lastJsonLine } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { captureIo } from './io-capture.ts';
import { allFileText, args, CONTAINER, fakeDeps, fixture, installArgs, listTree, type Fixture } from './fixture.ts';

const UNITS = ['etc/systemd/system/cse-preserve-watch.service', 'etc/systemd/system/cse-preserve-collect.service', 'etc/systemd/system/cse-preserve-collect.timer'];
const FILES = ['usr/local/lib/cse-preserve/cse-preserve', 'etc/cse-preserve/config.json', 'etc/cse-preserve/sas', ...UNITS, 'etc/cse-preserve/installed.json'];

/** The SAS, its signature alone and its decoded signature appear nowhere but the sas file, and nothing had to be redacted from the output. */
async function assertSasOnlyInSasFile(f: Fixture, output: string): Promise<void> {
  const sig = new URLSearchParams(f.sas).get('sig')!;
  const needles = [f.sas, sig, encodeURIComponent(sig)];
  for (const [rel, bytes] of await allFileText(f.root)) {
    if (rel === 'etc/cse-preserve/sas') continue;
    for (const n of needles) expect(bytes.includes(n), `${rel} holds the SAS`).toBe(false);
  }
  for (const n of needles) expect(output.includes(n), 'output holds the SAS').toBe(false);
  expect(output).not.toContain('REDACTED');
}

describe('schedule install (Linux, into --system-root)', () => {
  it('writes the binary, config, 0600 root-owned SAS and units with their exact content and modes, and records them', async () => {
    const f = await fixture();
    const io = captureIo();
    const deps = fakeDeps();
    expect(await runSchedule(installArgs(f), io, deps)).toBe(0);
    const tree = await listTree(f.root);
    expect([...tree].filter(([, e]) => e.kind === 'file').map(([p]) => p).sort()).toEqual([...FILES].sort());
    const mode = (p: string) => tree.get(p)!.mode;
    expect(mode('usr/local/lib/cse-preserve/cse-preserve')).toBe('0755');
    expect(mode('etc/cse-preserve/config.json')).toBe('0644');
    expect(mode('etc/cse-preserve/sas')).toBe('0600');
    for (const u of UNITS) expect(mode(u)).toBe('0644');
    expect(mode('var/lib/cse-preserve')).toBe('0700');
    if (process.getuid?.() === 0) expect(tree.get('etc/cse-preserve/sas')!.uid).toBe(0);

    expect(await readFile(path.join(f.root, 'usr/local/lib/cse-preserve/cse-preserve'))).toEqual(await readFile(f.binary));
    expect(await readFile(path.join(f.root, 'etc/cse-preserve/sas'), 'utf8')).toBe(f.sas);
    const config = JSON.parse(await readFile(path.join(f.root, 'etc/cse-preserve/config.json'), 'utf8'));
    expect(config).toMatchObject({ containerUrl: CONTAINER, credential: 'sas-file', sasFile: '/etc/cse-preserve/sas', interval: '6h', intervalSeconds: 21600, os: 'linux', binary: '/usr/local/lib/cse-preserve/cse-preserve' });
    const watch = await readFile(path.join(f.root, UNITS[0]!), 'utf8');
    expect(watch).toContain(`ExecStart=/usr/local/lib/cse-preserve/cse-preserve watch --container-url ${CONTAINER} --sas-file /etc/cse-preserve/sas --state-file /var/lib/cse-preserve/state.json --queue-dir /var/lib/cse-preserve/queue\n`);
    expect(await readFile(path.join(f.root, UNITS[2]!), 'utf8')).toContain('OnUnitActiveSec=6h\n');

    const record = JSON.parse(await readFile(path.join(f.root, 'etc/cse-preserve/installed.json'), 'utf8'));
    expect(record.files.map((x: { path: string }) => x.path)).toEqual(FILES.filter((p) => !p.endsWith('installed.json')));
    expect(record.files.find((x: { path: string }) => x.path.endsWith('/sas'))).toEqual({ path: 'etc/cse-preserve/sas', mode: '0600', secret: true });
    // Every directory was new in the empty root, and is recorded parents first.
    expect([...record.dirs].sort()).toEqual([...tree].filter(([, e]) => e.kind === 'dir').map(([p]) => p).sort());
    expect(record.dirs.indexOf('etc')).toBeLessThan(record.dirs.indexOf('etc/cse-preserve'));

    expect(deps.calls).toEqual([]); // not the running system: nothing registered or started
    expect(io.summary()).toMatchObject({ status: 'ok', action: 'install', os: 'linux', started: false, credential: 'sas-file', containerUrl: CONTAINER });
    await assertSasOnlyInSasFile(f, io.out() + io.err());
  });

  it('sets every mode explicitly, whatever the umask', async () => {
    const f = await fixture();
    const old = process.umask(0o000);
    try {
      expect(await runSchedule(installArgs(f), captureIo(), fakeDeps())).toBe(0);
    } finally { process.umask(old); }
    const tree = await listTree(f.root);
    expect(tree.get('etc/cse-preserve/sas')!.mode).toBe('0600');
    expect(tree.get('etc/cse-preserve/config.json')!.mode).toBe('0644');
    expect(tree.get('var/lib/cse-preserve')!.mode).toBe('0700');
  });

  it('takes the SAS from stdin, or uses a managed identity with no secret file at all', async () => {
    const f = await fixture();
    const io = captureIo();
    expect(await runSchedule(installArgs(f, { sasFile: undefined, sasStdin: true }), io, fakeDeps({ stdin: `?${f.sas}\n` }))).toBe(0);
    expect(await readFile(path.join(f.root, 'etc/cse-preserve/sas'), 'utf8')).toBe(f.sas);
    await assertSasOnlyInSasFile(f, io.out() + io.err());

    const g = await fixture();
    const id = '0b5c3a1e-1111-2222-3333-444455556666';
    expect(await runSchedule(installArgs(g, { sasFile: undefined, managedIdentity: id }), captureIo(), fakeDeps())).toBe(0);
    expect(existsSync(path.join(g.root, 'etc/cse-preserve/sas'))).toBe(false);
    expect(await readFile(path.join(g.root, UNITS[1]!), 'utf8')).toContain(`collect --container-url ${CONTAINER} --managed-identity ${id}\n`);
    expect(JSON.parse(await readFile(path.join(g.root, 'etc/cse-preserve/config.json'), 'utf8'))).toMatchObject({ credential: 'managed-identity', managedIdentityClientId: id });
  });

  it('--dry-run prints every file (the SAS as a placeholder) and the commands, and writes nothing', async () => {
    const f = await fixture();
    await mkdir(path.join(f.root, 'etc/systemd/system'), { recursive: true });
    const before = await listTree(f.root);
    const io = captureIo();
    const deps = fakeDeps({ live: true });
    expect(await runSchedule(installArgs(f, { dryRun: true }), io, deps)).toBe(0);
    expect(await listTree(f.root)).toEqual(before);
    expect(deps.calls).toEqual([]);
    const out = io.out();
    for (const p of FILES) expect(out).toContain(path.join(f.root, p));
    expect(out).toContain('<SAS, 0600, not shown>');
    expect(out).toContain('ExecStart=/usr/local/lib/cse-preserve/cse-preserve watch --container-url');
    expect(out).toContain('OnBootSec=5min');
    expect(out).toContain('"containerUrl": "https://acct.blob.core.windows.net/evidence"');
    expect(out).toContain(`<copy of ${f.binary}`);
    expect(out).toContain('# would run: systemctl daemon-reload\n# would run: systemctl enable --now cse-preserve-watch.service cse-preserve-collect.timer\n');
    expect(io.summary()).toMatchObject({ status: 'ok', dryRun: true });
    await assertSasOnlyInSasFile(f, out + io.err());
  });

  it('refuses to install over an installation (exit 2, nothing changed) unless --force, which replaces it and keeps the watcher state', async () => {
    const f = await fixture();
    expect(await runSchedule(installArgs(f), captureIo(), fakeDeps())).toBe(0);
    await writeFile(path.join(f.root, 'var/lib/cse-preserve/state.json'), '{"seen":1}');
    const before = await listTree(f.root);
    const io = captureIo();
    const argv = ['schedule', 'install', '--container-url', CONTAINER, '--sas-file', f.sasFile, '--binary', f.binary, '--system-root', f.root, '--interval', '2h'];
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err()).toMatch(/already exists.*\n\s+what to do: .*--force/);
    expect(io.summary()).toMatchObject({ status: 'failed', code: 'CSE_USAGE' });
    expect(await listTree(f.root)).toEqual(before);

    const forced = captureIo();
    expect(await runCli([...argv, '--force'], forced)).toBe(0);
    expect(forced.summary()).toMatchObject({ status: 'ok', replaced: true, interval: '2h' });
    expect(await readFile(path.join(f.root, UNITS[2]!), 'utf8')).toContain('OnUnitActiveSec=2h\n');
    expect(await readFile(path.join(f.root, 'var/lib/cse-preserve/state.json'), 'utf8')).toBe('{"seen":1}');
    // The state directory stays recorded as the tool's, so a later uninstall still removes it once empty.
    const record = JSON.parse(await readFile(path.join(f.root, 'etc/cse-preserve/installed.json'), 'utf8'));
    expect(record.dirs).toContain('var/lib/cse-preserve');
    await assertSasOnlyInSasFile(f, io.out() + io.err() + forced.out() + forced.err());
  });

  it('--force replaces in place: the installed binary can reinstall itself, a dropped SAS file goes, and a live schedule is stopped first', async () => {
    const f = await fixture();
    expect(await runSchedule(installArgs(f), captureIo(), fakeDeps())).toBe(0);
    const installed = path.join(f.root, 'usr/local/lib/cse-preserve/cse-preserve');
    const calls: string[] = [];
    const deps = fakeDeps({ live: true, onCall: (c) => { calls.push([c.file, ...c.args].join(' ')); } });
    const io = captureIo();
    expect(await runSchedule(installArgs(f, { binary: installed, sasFile: undefined, managedIdentity: '', force: true }), io, deps)).toBe(0);
    expect(await readFile(installed)).toEqual(await readFile(f.binary));
    expect(existsSync(path.join(f.root, 'etc/cse-preserve/sas'))).toBe(false);
    expect(calls).toEqual([
      'systemctl disable --now cse-preserve-watch.service cse-preserve-collect.timer',
      'systemctl stop cse-preserve-collect.service',
      'systemctl daemon-reload',
      'systemctl enable --now cse-preserve-watch.service cse-preserve-collect.timer',
    ]);
    const record = JSON.parse(await readFile(path.join(f.root, 'etc/cse-preserve/installed.json'), 'utf8'));
    expect(record.files.map((x: { path: string }) => x.path)).not.toContain('etc/cse-preserve/sas');
    expect(await runSchedule(args(f, { action: 'uninstall' }), captureIo(), fakeDeps())).toBe(0);
    expect(await listTree(f.root)).toEqual(new Map());
  });

  it('refuses files in the way that no installation made, unless --force', async () => {
    const f = await fixture();
    await mkdir(path.join(f.root, 'etc/systemd/system'), { recursive: true });
    await writeFile(path.join(f.root, UNITS[0]!), '[Service]\nExecStart=/bin/true\n');
    const io = captureIo();
    await expect(runSchedule(installArgs(f), io, fakeDeps())).rejects.toThrow(/not installing over files.*cse-preserve-watch\.service/);
    expect(existsSync(path.join(f.root, 'etc/cse-preserve'))).toBe(false);
    expect(await runSchedule(installArgs(f, { force: true }), captureIo(), fakeDeps())).toBe(0);
    expect(await readFile(path.join(f.root, UNITS[0]!), 'utf8')).toContain('cse-preserve watch');
  });

  it('uninstall removes exactly what install created and leaves everything else, including non-empty state', async () => {
    const f = await fixture();
    await mkdir(path.join(f.root, 'etc/systemd/system'), { recursive: true });
    await mkdir(path.join(f.root, 'usr/local/lib'), { recursive: true });
    await writeFile(path.join(f.root, 'etc/systemd/system/other.service'), '[Service]\nExecStart=/bin/true\n');
    await writeFile(path.join(f.root, 'usr/local/lib/other-tool'), 'x');
    const before = await listTree(f.root);
    expect(await runSchedule(installArgs(f), captureIo(), fakeDeps())).toBe(0);
    const record = JSON.parse(await readFile(path.join(f.root, 'etc/cse-preserve/installed.json'), 'utf8'));
    expect(record.dirs).not.toContain('etc/systemd/system'); // it was there before
    expect(record.dirs).not.toContain('etc');

    const io = captureIo();
    expect(await runSchedule(args(f, { action: 'uninstall' }), io, fakeDeps())).toBe(0);
    expect(await listTree(f.root)).toEqual(before);
    expect(io.summary()).toMatchObject({ status: 'ok', action: 'uninstall', failed: [], keptDirs: [] });

    // The watcher's queue is evidence not yet uploaded: its directory (and the parents the install made) are kept and reported, not emptied.
    expect(await runSchedule(installArgs(f), captureIo(), fakeDeps())).toBe(0);
    await mkdir(path.join(f.root, 'var/lib/cse-preserve/queue'));
    await writeFile(path.join(f.root, 'var/lib/cse-preserve/queue/0001'), 'queued evidence');
    const io2 = captureIo();
    expect(await runSchedule(args(f, { action: 'uninstall' }), io2, fakeDeps())).toBe(0);
    expect(io2.summary().keptDirs).toEqual(['var', 'var/lib', 'var/lib/cse-preserve'].map((d) => path.join(f.root, d)));
    expect(await readFile(path.join(f.root, 'var/lib/cse-preserve/queue/0001'), 'utf8')).toBe('queued evidence');
    expect(existsSync(path.join(f.root, 'etc/cse-preserve'))).toBe(false);
    for (const p of FILES) expect(existsSync(path.join(f.root, p)), p).toBe(false);
    expect(existsSync(path.join(f.root, 'etc/systemd/system/other.service'))).toBe(true);

    // Nothing installed now: uninstall is a usage error.
    const io3 = captureIo();
    expect(await runCli(['schedule', 'uninstall', '--system-root', f.root], io3)).toBe(2);
    expect(io3.err()).toMatch(/nothing is installed/);
  });

  it('uninstall never leaves the system root, even when installed.json is tampered with', async () => {
    const f = await fixture();
    expect(await runSchedule(installArgs(f), captureIo(), fakeDeps())).toBe(0);
    const outside = path.join(f.work, 'precious');
    await writeFile(outside, 'keep me');
    const recordFile = path.join(f.root, 'etc/cse-preserve/installed.json');
    const record = JSON.parse(await readFile(recordFile, 'utf8'));
    record.files.push({ path: '../precious', mode: '0644' });
    await writeFile(recordFile, JSON.stringify(record));
    const io = captureIo();
    expect(await runSchedule(args(f, { action: 'uninstall' }), io, fakeDeps())).toBe(1);
    expect(io.err()).toMatch(/not an installation record.*outside the system root/);
    expect(await readFile(outside, 'utf8')).toBe('keep me');
    expect(existsSync(path.join(f.root, UNITS[0]!))).toBe(true);
  });

  it('status reports ok, then missing, changed and mode problems (exit 3), and not-installed (exit 1)', async () => {
    const f = await fixture();
    const none = captureIo();
    expect(await runSchedule(args(f, {}), none, fakeDeps())).toBe(1);
    expect(none.summary()).toMatchObject({ status: 'not-installed' });

    expect(await runSchedule(installArgs(f), captureIo(), fakeDeps())).toBe(0);
    const ok = captureIo();
    expect(await runSchedule(args(f, {}), ok, fakeDeps())).toBe(0);
    const s = ok.summary();
    expect(s).toMatchObject({ status: 'ok', action: 'status', os: 'linux', installedAt: '2025-03-01T12:00:00.000Z' });
    expect(Object.values(s.files as Record<string, string>)).toEqual(Array(FILES.length - 1).fill('ok'));
    expect(ok.out().trimEnd().split('\n').length).toBeGreaterThan(1);

    await rm(path.join(f.root, UNITS[2]!));
    await writeFile(path.join(f.root, 'etc/cse-preserve/config.json'), '{}');
    await (await import('node:fs/promises')).chmod(path.join(f.root, 'etc/cse-preserve/sas'), 0o644);
    const bad = captureIo();
    expect(await runSchedule(args(f, {}), bad, fakeDeps())).toBe(3);
    expect(bad.summary()).toMatchObject({
      status: 'degraded',
      files: { [path.join(f.root, UNITS[2]!)]: 'missing', [path.join(f.root, 'etc/cse-preserve/config.json')]: 'changed', [path.join(f.root, 'etc/cse-preserve/sas')]: 'mode' },
    });
    expect(bad.out()).toMatch(/^missing +.*cse-preserve-collect\.timer$/m);
  });

  it('on the running system: daemon-reload then enable --now after the files exist; uninstall disables first and reloads after removal; status asks systemctl', async () => {
    const f = await fixture();
    const seen: { call: string; unitExists: boolean }[] = [];
    const onCall = (c: { file: string; args: string[] }) => { seen.push({ call: [c.file, ...c.args].join(' '), unitExists: existsSync(path.join(f.root, UNITS[0]!)) }); };
    const io = captureIo();
    expect(await runSchedule(installArgs(f), io, fakeDeps({ live: true, onCall }))).toBe(0);
    expect(seen).toEqual([
      { call: 'systemctl daemon-reload', unitExists: true },
      { call: 'systemctl enable --now cse-preserve-watch.service cse-preserve-collect.timer', unitExists: true },
    ]);
    expect(io.summary()).toMatchObject({ started: true, commands: seen.map((s) => s.call) });

    const status = captureIo();
    const asked = fakeDeps({ live: true, answer: (_f, a) => (a[0] === 'is-active' && a[1] === 'cse-preserve-collect.timer' ? { code: 3, stdout: 'inactive\n' } : {}) });
    expect(await runSchedule(args(f, {}), status, asked)).toBe(3);
    expect(asked.calls.map((c) => c.args.join(' '))).toEqual([
      'is-active cse-preserve-watch.service', 'is-enabled cse-preserve-watch.service', 'is-active cse-preserve-collect.timer', 'is-enabled cse-preserve-collect.timer',
    ]);
    expect(status.summary()).toMatchObject({ status: 'degraded', services: [
      { name: 'cse-preserve-watch.service', active: 'active', ok: true }, { name: 'cse-preserve-watch.service', enabled: 'enabled', ok: true },
      { name: 'cse-preserve-collect.timer', active: 'inactive', ok: false }, { name: 'cse-preserve-collect.timer', enabled: 'enabled', ok: true },
    ] });

    seen.length = 0;
    expect(await runSchedule(args(f, { action: 'uninstall' }), captureIo(), fakeDeps({ live: true, onCall }))).toBe(0);
    expect(seen).toEqual([
      { call: 'systemctl disable --now cse-preserve-watch.service cse-preserve-collect.timer', unitExists: true },
      { call: 'systemctl stop cse-preserve-collect.service', unitExists: true },
      { call: 'systemctl daemon-reload', unitExists: false },
    ]);
  });

  it('on the running system with --no-start: writes the files, runs nothing', async () => {
    const f = await fixture();
    const deps = fakeDeps({ live: true });
    const io = captureIo();
    expect(await runSchedule(installArgs(f, { start: false }), io, deps)).toBe(0);
    expect(deps.calls).toEqual([]);
    expect(io.out()).toContain('not started (--no-start)');
    expect(existsSync(path.join(f.root, UNITS[0]!))).toBe(true);
  });

  it('a failing systemctl exits 1 with the files installed and recorded, so status and uninstall still work', async () => {
    const f = await fixture();
    const io = captureIo();
    const deps = fakeDeps({ live: true, answer: (_f, a) => (a[0] === 'enable' ? { code: 1, stderr: 'Failed to enable unit: Access denied\n' } : {}) });
    expect(await runSchedule(installArgs(f), io, deps)).toBe(1);
    expect(io.err()).toMatch(/systemctl enable --now .* failed \(exit 1\): Failed to enable unit: Access denied\n\s+what to do:/);
    expect(io.summary()).toMatchObject({ status: 'failed', code: 'CSE_SCHEDULE_FAILED' });
    expect(await runSchedule(args(f, {}), captureIo(), fakeDeps())).toBe(0);
    expect(await runSchedule(args(f, { action: 'uninstall' }), captureIo(), fakeDeps())).toBe(0);
    expect(await listTree(f.root)).toEqual(new Map());
  });

  it('refuses bad command lines with exit 2, writing nothing and never echoing a SAS', async () => {
    const f = await fixture();
    const base = ['schedule', 'install', '--binary', f.binary, '--system-root', f.root];
    const cases: [string[], RegExp][] = [
      [[...base, '--container-url', `${CONTAINER}?${f.sas}`, '--managed-identity'], /carries a SAS/],
      [[...base, '--container-url', CONTAINER], /choose one credential/],
      [[...base, '--container-url', CONTAINER, '--sas-file', f.sasFile, '--managed-identity'], /choose one credential/],
      [[...base, '--container-url', CONTAINER, '--managed-identity', 'not-a-guid'], /not a client id/],
      [[...base, '--container-url', 'http://acct.blob.core.windows.net/evidence', '--managed-identity'], /must use https/],
      [[...base, '--container-url', CONTAINER, '--sas-file', f.sasFile, '--interval', '5m'], /out of range/],
      [[...base, '--container-url', CONTAINER, '--sas-file', path.join(f.work, 'missing')], /cannot read --sas-file/],
      [[...base, '--sas-file', f.sasFile], /needs --container-url/],
      [['schedule', 'install', '--container-url', CONTAINER, '--managed-identity', '--binary', f.sasFile, '--system-root', f.root], /is not a Linux executable/],
      [['schedule', 'status', '--system-root', f.root, '--container-url', CONTAINER], /applies only to schedule install/],
      [['schedule', 'install', '--container-url', CONTAINER, '--managed-identity', '--binary', f.binary, '--system-root', path.join(f.work, 'nope')], /is not a directory/],
      [['schedule', 'frobnicate'], /Invalid values|Choices/],
    ];
    for (const [argv, message] of cases) {
      const io = captureIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.err(), argv.join(' ')).toMatch(message);
      expect(io.out() + io.err()).not.toContain(new URLSearchParams(f.sas).get('sig')!);
    }
    expect(await listTree(f.root)).toEqual(new Map());

    const expired = path.join(f.work, 'expired');
    await writeFile(expired, 'sv=2025-01-05&sp=cw&se=2025-02-01T00:00:00Z&sig=abcdefghijklmnop');
    await expect(runSchedule(installArgs(f, { sasFile: expired }), captureIo(), fakeDeps())).rejects.toThrow(/expired/);
    const noSig = path.join(f.work, 'nosig');
    await writeFile(noSig, 'sv=2025-01-05&sp=cw');
    await expect(runSchedule(installArgs(f, { sasFile: noSig }), captureIo(), fakeDeps())).rejects.toThrow(/no sig=/);
  });

  it('on the running system: needs root and a running systemd', async () => {
    const f = await fixture();
    await expect(runSchedule(installArgs(f), captureIo(), { ...fakeDeps({ live: true }), isRoot: () => false })).rejects.toThrow(/needs root/);
    await expect(runSchedule(installArgs(f), captureIo(), { ...fakeDeps({ live: true }), serviceManagerUp: () => false })).rejects.toThrow(/systemd is not running/);
    expect(await listTree(f.root)).toEqual(new Map());
    expect((await stat(f.root)).isDirectory()).toBe(true);
  });

  it('the bundled CLI runs schedule install --dry-run end to end in a real process', async () => {
    // Bundled afresh into a temp dir: dist/ belongs to the whole suite's build.
    const dir = await tempDir('csep-bundle-');
    const bundleFile = path.join(dir, 'cse-preserve.cjs');
    await bundle(bundleFile);
    const f = await fixture();
    const r = spawnSync(process.execPath, [bundleFile, 'schedule', 'install', '--container-url', CONTAINER, '--sas-file', f.sasFile, '--binary', f.binary, '--system-root', f.root, '--dry-run'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ status: 'ok', dryRun: true, os: 'linux' });
    expect(r.stdout).toContain('<SAS, 0600, not shown>');
    expect(r.stdout + r.stderr).not.toContain(new URLSearchParams(f.sas).get('sig')!);
    expect(await listTree(f.root)).toEqual(new Map());
  });
});
