// Tests the Windows platform: glob segments, host paths (tree, Windows host, live drives, \\?\), display paths, host facts, case-insensitive globbing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGlob } from '../../agent/engine/resolve-glob.ts';
import { linuxPlatform } from '../../agent/linux/platform.ts';
import type { CommandRunner } from '../../agent/windows/command-runner.ts';
import { createWindowsPlatform, LIVE_DRIVES_ROOT, parseMachineGuid, windowsPlatform } from '../../agent/windows/platform.ts';
import { driveOf, scratchDirs } from '../../agent/windows/scratch-dir.ts';
import { MAX_PATH_CHARS } from '../../agent/windows/win32-path.ts';
import { buildWindowsVmTree, CSE } from '../fixtures/windows-azure-vm.ts';

const segs = (...names: string[]) => names.map((n) => Buffer.from(n));
const str = (b: Buffer) => b.toString('utf8');
const REG_OUTPUT = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n    MachineGuid    REG_SZ    1b2c3d4e-0000-4000-8000-00000000abcd\r\n\r\n';

describe('windowsPlatform paths', () => {
  it('splits a drive-first glob into segments with the bare drive letter', () => {
    expect(windowsPlatform.globSegments('C:/Packages/x')).toEqual(['C', 'Packages', 'x']);
    expect(windowsPlatform.globSegments('D:/CollectGuestLogsTemp/*')).toEqual(['D', 'CollectGuestLogsTemp', '*']);
    expect(() => windowsPlatform.globSegments('/var/log/x')).toThrow(/drive letter/);
    expect(windowsPlatform.caseInsensitive).toBe(true);
    expect(windowsPlatform.os).toBe('windows');
  });

  it('joins a tree root and segments with the host separator, bytes kept exactly', () => {
    const odd = Buffer.from([0x66, 0xff, 0x2e, 0x6c, 0x6f, 0x67]); // not valid UTF-8
    const p = windowsPlatform.hostPath('/cases/vm1/', [Buffer.from('C'), Buffer.from('Packages'), odd]);
    expect(p.equals(Buffer.concat([Buffer.from('/cases/vm1/C/Packages/'), odd]))).toBe(true);
    expect(str(windowsPlatform.hostPath('/cases/vm1', []))).toBe('/cases/vm1');
  });

  it('on a Windows host, joins a tree root with backslashes and adds \\\\?\\ to long paths', () => {
    const win = createWindowsPlatform({ hostIsWindows: true, exportLockedEventLogs: false });
    expect(str(win.hostPath('E:\\cases\\vm1', segs('C', 'Packages', 'Plugins')))).toBe('E:\\cases\\vm1\\C\\Packages\\Plugins');
    const long = segs('C', ...Array.from({ length: 30 }, (_, i) => `folder-${String(i).padStart(3, '0')}`));
    const p = str(win.hostPath('E:\\cases\\vm1', long));
    expect(p.startsWith('\\\\?\\E:\\cases\\vm1\\C\\folder-000\\')).toBe(true);
    expect(p.length).toBeGreaterThan(MAX_PATH_CHARS);
  });

  it('maps the live-drives root to drive paths, with \\\\?\\ when Win32 would truncate or rewrite the path', () => {
    expect(LIVE_DRIVES_ROOT).toBe('');
    expect(str(windowsPlatform.hostPath('', segs('C')))).toBe('C:\\');
    expect(str(windowsPlatform.hostPath('', segs('C', 'Packages', 'Plugins', 'x.status')))).toBe('C:\\Packages\\Plugins\\x.status');
    expect(str(windowsPlatform.hostPath('', segs('D', 'CollectGuestLogsTemp')))).toBe('D:\\CollectGuestLogsTemp');
    expect(windowsPlatform.hostPath('', []).length).toBe(0);

    const deep = segs('C', 'Packages', 'Plugins', 'Microsoft.Compute.CustomScriptExtension', '1.10.15', 'Downloads', '0', ...Array.from({ length: 12 }, () => 'a-rather-long-folder-name'));
    const atLimit = segs('C', 'x'.repeat(MAX_PATH_CHARS - 3));
    expect(str(windowsPlatform.hostPath('', deep)).startsWith('\\\\?\\C:\\Packages\\Plugins\\')).toBe(true);
    expect(str(windowsPlatform.hostPath('', atLimit))).toBe(`C:\\${'x'.repeat(MAX_PATH_CHARS - 3)}`);
    expect(str(windowsPlatform.hostPath('', [...atLimit.slice(0, 1), Buffer.from('x'.repeat(MAX_PATH_CHARS - 2))])).startsWith('\\\\?\\C:\\')).toBe(true);
    // Names Win32 would alter: trailing dot or space, device names.
    expect(str(windowsPlatform.hostPath('', segs('C', 'Temp', 'evil.')))).toBe('\\\\?\\C:\\Temp\\evil.');
    expect(str(windowsPlatform.hostPath('', segs('C', 'Temp', 'space ')))).toBe('\\\\?\\C:\\Temp\\space ');
    expect(str(windowsPlatform.hostPath('', segs('C', 'Temp', 'nul.txt')))).toBe('\\\\?\\C:\\Temp\\nul.txt');
    expect(str(windowsPlatform.hostPath('', segs('C', 'Temp', 'null.txt')))).toBe('C:\\Temp\\null.txt');
  });

  it('displays paths as the VM saw them', () => {
    expect(windowsPlatform.displayPath(segs('C', 'Packages', 'Plugins', 'x'))).toBe('C:\\Packages\\Plugins\\x');
    expect(windowsPlatform.displayPath(segs('D'))).toBe('D:\\');
  });
});

describe('windowsPlatform host facts', () => {
  const calls: string[][] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args]);
    return { stdout: REG_OUTPUT, stderr: '' };
  };

  it('parses MachineGuid from reg query output', () => {
    expect(parseMachineGuid(REG_OUTPUT)).toBe('1b2c3d4e-0000-4000-8000-00000000abcd');
    expect(parseMachineGuid('ERROR: The system was unable to find the specified registry key or value.')).toBeNull();
  });

  it('on Windows, reads os.* and queries the MachineGuid only for the live drives', async () => {
    const platform = createWindowsPlatform({ run, hostIsWindows: true, exportLockedEventLogs: false });
    const live = await platform.hostFacts('');
    expect(calls).toEqual([['reg', 'query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid']]);
    expect(live.machineId).toBe('1b2c3d4e-0000-4000-8000-00000000abcd');
    expect(live.os).toBe('windows');
    expect(live.hostname).toBe(os.hostname());
    expect(live.arch).toBe(os.arch());
    expect(live.kernel).toContain(os.release());
    expect(Math.abs(Date.parse(live.bootTime) - (Date.now() - os.uptime() * 1000))).toBeLessThan(5000);
    expect(live.evidenceSystem).toBeUndefined();

    const tree = await platform.hostFacts('/cases/vm1');
    expect(calls).toHaveLength(1);
    expect(tree.machineId).toBeNull();
    expect(tree.evidenceSystem).toEqual({ hostname: null, machineId: null, osRelease: null });
  });

  it('records a failed or slow registry query as null', async () => {
    const failing = createWindowsPlatform({ run: async () => { throw new Error('reg query failed: timed out after 3000 ms'); }, hostIsWindows: true });
    expect((await failing.hostFacts('')).machineId).toBeNull();
  });

  it('on a Linux host reading a Windows tree, reports the Linux host and an unknown evidence system', async () => {
    const platform = createWindowsPlatform({ run, hostIsWindows: false });
    const facts = await platform.hostFacts('/cases/vm1');
    expect(facts).toEqual({ ...(await linuxPlatform.hostFacts('/')), bootTime: facts.bootTime, evidenceSystem: { hostname: null, machineId: null, osRelease: null } });
    expect(calls).toHaveLength(1);
  });

  it('has a locked-file exporter only when asked (live Windows by default)', () => {
    expect(createWindowsPlatform({ exportLockedEventLogs: true }).lockedFileExporter).toBeDefined();
    expect(createWindowsPlatform({ exportLockedEventLogs: false }).lockedFileExporter).toBeUndefined();
    expect(createWindowsPlatform({ hostIsWindows: true }).lockedFileExporter).toBeDefined();
    expect(windowsPlatform.lockedFileExporter === undefined).toBe(process.platform !== 'win32');
  });
});

describe('scratch directories off the evidence disk', () => {
  it('prefers the resource disk D:\\ unless the evidence is on D:, then the temp dir', () => {
    expect(scratchDirs('C', () => true)).toEqual(['D:\\', os.tmpdir()]);
    expect(scratchDirs('d', () => true)).toEqual([os.tmpdir()]);
    expect(scratchDirs('C', () => false)).toEqual([os.tmpdir()]);
    expect(scratchDirs(null, (d) => d === 'D:\\')).toEqual(['D:\\', os.tmpdir()]);
  });

  it('reads the drive letter of a Windows path', () => {
    expect(driveOf('e:\\cases\\vm1')).toBe('E');
    expect(driveOf('\\\\?\\D:\\x')).toBe('D');
    expect(driveOf('\\\\server\\share\\x')).toBeNull();
  });

  it('keeps archives of a failed upload off the evidence: the host\'s choice on Linux, a scratch dir on Windows', () => {
    expect(windowsPlatform.defaultFallbackDir?.('/cases/vm1')).toBeTypeOf('string');
    const win = createWindowsPlatform({ hostIsWindows: true, exportLockedEventLogs: false });
    expect(scratchDirs('C')).toContain(win.defaultFallbackDir?.(''));
  });
});

describe('windowsPlatform globbing on a fake tree', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'win-glob-'));
    buildWindowsVmTree(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const resolveAll = async (glob: string) => {
    const out: string[] = [];
    for await (const hit of resolveGlob(windowsPlatform, root, glob)) out.push(windowsPlatform.displayPath(hit.segments));
    return out;
  };

  it('matches names case-insensitively and records the names as they are on disk', async () => {
    expect(await resolveAll('C:/Packages/Plugins/Microsoft.Compute.CustomScriptExtension/*/Status/HeartBeat.Json')).toEqual([
      'C:\\Packages\\Plugins\\Microsoft.Compute.CustomScriptExtension\\1.10.12\\Status\\heartbeat.json',
      'C:\\Packages\\Plugins\\Microsoft.Compute.CustomScriptExtension\\1.10.15\\Status\\HeartBeat.Json',
    ]);
    expect(await resolveAll('C:/Windows/System32/winevt/Logs/Security.evtx')).toEqual(['C:\\windows\\system32\\winevt\\Logs\\Security.evtx']);
    expect(await resolveAll('C:/WindowsAzure/config/*.xml')).toHaveLength(2);
  });

  it('finds every installed CSE version and both Downloads runs', async () => {
    const hits = await resolveAll(`C:/${CSE.slice(2)}/*/Downloads/**`);
    expect(hits).toContain('C:\\Packages\\Plugins\\Microsoft.Compute.CustomScriptExtension\\1.10.12\\Downloads\\0\\scripts\\bootstrap.ps1');
    expect(hits).toContain('C:\\Packages\\Plugins\\Microsoft.Compute.CustomScriptExtension\\1.10.15\\Downloads\\1\\result.txt');
    expect(await resolveAll('D:/CollectGuestLogsTemp/*')).toEqual(['D:\\CollectGuestLogsTemp\\VMAgentLogs.zip']);
  });
});
