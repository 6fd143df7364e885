// schedule install for Windows: the C/ tree under --system-root, valid task XML on disk, the SAS kept secret, and (simulated live) the icacls and schtasks calls in the right order.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runSchedule } from '../../agent/cli/commands/schedule.ts';
import { runCli } from '../../agent/cli/create-cli.ts';
import { treePaths } from '../../agent/schedule/host-paths.ts';
import { install, planInstall, type InstallRequest } from '../../agent/schedule/install.ts';
import { uninstall } from '../../agent/schedule/uninstall.ts';
import { decodeTaskXml } from '../../agent/schedule/task-xml.ts';
import { windowsTarget } from '../../agent/schedule/windows-target.ts';
import { captureIo } from './io-capture.ts';
import { allFileText, CONTAINER, fakeDeps, fixture, installArgs, listTree, NOW, type Fixture } from './fixture.ts';

const DATA = 'C/ProgramData/cse-preserve';
const EXE = 'C/Program Files/cse-preserve/cse-preserve.exe';
const WATCH_XML = `${DATA}/tasks/cse-preserve-watch.xml`;
const COLLECT_XML = `${DATA}/tasks/cse-preserve-collect.xml`;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

function assertNoSas(f: Fixture, files: Map<string, Buffer>, output: string): void {
  const sig = new URLSearchParams(f.sas).get('sig')!;
  for (const [rel, bytes] of files) {
    if (rel === `${DATA}/sas`) continue;
    for (const needle of [f.sas, sig]) {
      expect(bytes.includes(needle), rel).toBe(false);
      expect(bytes.includes(Buffer.from(needle, 'utf16le')), `${rel} (UTF-16)`).toBe(false);
    }
  }
  expect(output).not.toContain(sig);
  expect(output).not.toContain('REDACTED');
}

describe('schedule install (Windows)', () => {
  it('lays out Program Files and ProgramData under --system-root with valid UTF-16 task XML, and the SAS only in its file', async () => {
    const f = await fixture('windows');
    const io = captureIo();
    expect(await runSchedule(installArgs(f, { os: 'windows', interval: '90m' }), io, fakeDeps())).toBe(0);
    const tree = await listTree(f.root);
    expect([...tree].filter(([, e]) => e.kind === 'file').map(([p]) => p).sort()).toEqual([
      EXE, `${DATA}/config.json`, `${DATA}/installed.json`, `${DATA}/sas`, COLLECT_XML, WATCH_XML,
    ].sort());
    expect(tree.get(`${DATA}/state`)!.kind).toBe('dir');
    expect(await readFile(path.join(f.root, EXE))).toEqual(await readFile(f.binary));
    expect(await readFile(path.join(f.root, DATA, 'sas'), 'utf8')).toBe(f.sas);
    expect(tree.get(`${DATA}/sas`)!.mode).toBe('0600');
    const config = JSON.parse(await readFile(path.join(f.root, DATA, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ os: 'windows', sasFile: 'C:\\ProgramData\\cse-preserve\\sas', binary: 'C:\\Program Files\\cse-preserve\\cse-preserve.exe', interval: '1h30m' });

    for (const rel of [WATCH_XML, COLLECT_XML]) {
      const bytes = await readFile(path.join(f.root, rel));
      expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
      expect(XMLValidator.validate(decodeTaskXml(bytes))).toBe(true);
      if (hasXmllint) expect(spawnSync('xmllint', ['--noout', path.join(f.root, rel)], { encoding: 'utf8' }).stderr).toBe('');
    }
    const watch = parser.parse(decodeTaskXml(await readFile(path.join(f.root, WATCH_XML)))).Task;
    expect(watch.Actions.Exec.Command).toBe('C:\\Program Files\\cse-preserve\\cse-preserve.exe');
    expect(watch.Actions.Exec.Arguments).toBe(`watch --container-url ${CONTAINER} --sas-file C:\\ProgramData\\cse-preserve\\sas --state-file C:\\ProgramData\\cse-preserve\\state\\state.json --queue-dir C:\\ProgramData\\cse-preserve\\state\\queue`);
    expect(watch.Principals.Principal.UserId).toBe('S-1-5-18');
    expect(watch.Settings.ExecutionTimeLimit).toBe('PT0S');
    const collect = parser.parse(decodeTaskXml(await readFile(path.join(f.root, COLLECT_XML)))).Task;
    expect(collect.Actions.Exec.Arguments).toBe(`collect --container-url ${CONTAINER} --sas-file C:\\ProgramData\\cse-preserve\\sas`);
    expect(collect.Triggers.TimeTrigger.Repetition.Interval).toBe('PT1H30M');
    expect(collect.Triggers.TimeTrigger.StartBoundary).toBe('2025-03-01T12:05:00+00:00');
    expect(collect.Settings.ExecutionTimeLimit).toBe('PT80M');
    assertNoSas(f, await allFileText(f.root), io.out() + io.err());
  });

  it('finds a Windows installation by itself for status and uninstall, and removes exactly it', async () => {
    const f = await fixture('windows');
    const before = await listTree(f.root);
    expect(await runSchedule(installArgs(f, { os: 'windows', sasFile: undefined, managedIdentity: '' }), captureIo(), fakeDeps())).toBe(0);
    expect(existsSync(path.join(f.root, DATA, 'sas'))).toBe(false);
    const status = captureIo();
    expect(await runCli(['schedule', 'status', '--system-root', f.root], status)).toBe(0);
    expect(status.summary()).toMatchObject({ status: 'ok', os: 'windows' });
    const io = captureIo();
    expect(await runCli(['schedule', 'uninstall', '--system-root', f.root], io)).toBe(0);
    expect(io.summary()).toMatchObject({ status: 'ok', os: 'windows', failed: [] });
    expect(await listTree(f.root)).toEqual(before);
  });

  it('refuses a Linux binary for Windows, and --os windows on a live Linux root', async () => {
    const f = await fixture('linux');
    await expect(runSchedule(installArgs(f, { os: 'windows' }), captureIo(), fakeDeps())).rejects.toThrow(/is not a Windows executable/);
    await expect(runSchedule(installArgs(f, { os: 'windows' }), captureIo(), fakeDeps({ live: true }))).rejects.toThrow(/--os windows .* this linux machine/);
    expect(await readdir(f.root)).toEqual([]);
  });

  it('live: locks the folder down before writing into it, restricts the SAS, registers and starts the tasks; uninstall ends and deletes them', async () => {
    const f = await fixture('windows');
    const host = treePaths(f.root);
    const events: string[] = [];
    const deps = fakeDeps({
      onCall: async (c) => {
        // What exists in ProgramData\cse-preserve when each command runs.
        const dataDir = path.join(f.root, DATA);
        const inside = existsSync(dataDir) ? (await readdir(dataDir)).filter((n) => !n.startsWith('.')).sort().join(',') : '-';
        events.push(`${c.file} ${c.args.join(' ')} [${inside}]`);
      },
    });
    const req: InstallRequest = {
      target: windowsTarget, host, force: false, live: true, start: true, posixModes: true, runner: deps.runner, log: () => {},
      spec: { containerUrl: CONTAINER, credential: { kind: 'sas-file' }, intervalSeconds: 6 * 3600, now: NOW, toolVersion: '1.2.3' },
      inputs: { binary: f.binary, sas: Buffer.from(f.sas) },
    };
    const plan = await planInstall(req);
    expect(plan.commands[0]).toMatch(/^icacls .*cse-preserve \/inheritance:r \/grant:r \*S-1-5-18:\(OI\)\(CI\)F \*S-1-5-32-544:\(OI\)\(CI\)F$/);
    const result = await install(req, plan);
    const d = host(DATA);
    expect(events).toEqual([
      `icacls ${d} /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F []`,
      `icacls ${host(`${DATA}/sas`)} /inheritance:r /grant:r *S-1-5-18:F *S-1-5-32-544:F [config.json,sas,state,tasks]`,
      `schtasks /Create /TN cse-preserve-watch /XML ${host(WATCH_XML)} /F [config.json,installed.json,sas,state,tasks]`,
      `schtasks /Create /TN cse-preserve-collect /XML ${host(COLLECT_XML)} /F [config.json,installed.json,sas,state,tasks]`,
      `schtasks /Run /TN cse-preserve-watch [config.json,installed.json,sas,state,tasks]`,
    ]);
    expect(result.commands).toEqual(events.map((e) => e.replace(/ \[.*\]$/, '')));
    expect(plan.commands).toEqual(result.commands);

    events.length = 0;
    const removed = await uninstall({ target: windowsTarget, host, live: true, runner: deps.runner, log: () => {} });
    expect(events.map((e) => e.replace(/ \[.*\]$/, ''))).toEqual([
      'schtasks /End /TN cse-preserve-watch', 'schtasks /End /TN cse-preserve-collect',
      'schtasks /Delete /TN cse-preserve-watch /F', 'schtasks /Delete /TN cse-preserve-collect /F',
    ]);
    expect(removed.failed).toEqual([]);
    expect(await listTree(f.root)).toEqual(new Map());
  });

  it('live status asks schtasks for both tasks; an unregistered task is reported', async () => {
    const f = await fixture('windows');
    expect(await runSchedule(installArgs(f, { os: 'windows' }), captureIo(), fakeDeps())).toBe(0);
    const host = treePaths(f.root);
    const { scheduleStatus } = await import('../../agent/schedule/status.ts');
    const deps = fakeDeps({ answer: (_f, a) => (a[2] === 'cse-preserve-collect' ? { code: 1, stderr: 'ERROR: The system cannot find the file specified.' } : { stdout: '"\\cse-preserve-watch","N/A","Running"\r\n' }) });
    const s = await scheduleStatus({ target: windowsTarget, host, live: true, posixModes: true, runner: deps.runner });
    expect(deps.calls.map((c) => `${c.file} ${c.args.join(' ')}`)).toEqual([
      'schtasks /Query /TN cse-preserve-watch /FO CSV /NH', 'schtasks /Query /TN cse-preserve-collect /FO CSV /NH',
    ]);
    expect(s.services).toEqual([
      { name: 'cse-preserve-watch', property: 'task', value: 'Running', ok: true },
      { name: 'cse-preserve-collect', property: 'task', value: 'not registered', ok: false },
    ]);
    expect(s.ok).toBe(false);
    expect(s.files.every((x) => x.state === 'ok')).toBe(true);
  });

  it('dry run shows the task XML as text and the SAS as a placeholder', async () => {
    const f = await fixture('windows');
    const io = captureIo();
    expect(await runSchedule(installArgs(f, { os: 'windows', dryRun: true }), io, fakeDeps())).toBe(0);
    expect(io.out()).toContain('UTF-16 LE with BOM');
    expect(io.out()).toContain('<UserId>S-1-5-18</UserId>');
    expect(io.out()).toContain('<SAS, 0600, not shown>');
    expect(await readdir(f.root)).toEqual([]);
    assertNoSas(f, new Map(), io.out() + io.err());
  });
});
