// Tests the wevtutil exporter with a fake runner, and the engine's locked-file path: export read like evidence, original times kept, temp copy deleted.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../agent/engine/platform.ts';
import type { CommandRunner } from '../../agent/windows/command-runner.ts';
import { createWindowsPlatform } from '../../agent/windows/platform.ts';
import { channelForFileName, channelLogFile, createWevtutilExporter } from '../../agent/windows/wevtutil-exporter.ts';
import { buildWindowsVmTree, EVTX_DIR, type WindowsVmTree } from '../fixtures/windows-azure-vm.ts';
import { extractWithGnuTar } from '../helpers/archive.ts';
import { collectInProcess } from '../helpers/collect-in-process.ts';

// The EventLog service's lock, simulated: opening a file whose path is in `locked` fails like a Windows sharing violation.
const locked = new Map<string, string>();
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: (file: Parameters<typeof actual.open>[0], ...rest: unknown[]) => {
      const code = locked.get(Buffer.isBuffer(file) ? file.toString('utf8') : String(file));
      if (code) return Promise.reject(Object.assign(new Error(`${code}: resource busy or locked, open '${String(file)}'`), { code }));
      return (actual.open as (...a: unknown[]) => ReturnType<typeof actual.open>)(file, ...rest);
    },
  };
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const exportedBytes = (channel: string) => Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), Buffer.from(`exported live records of ${channel}\n`.repeat(50))]);

interface FakeWevtutil { run: CommandRunner; calls: string[][] }

/** wevtutil as the runner sees it: `gl` prints the channel's logFileName, `epl` writes an export. */
function fakeWevtutil(logDirForGl: string, options: { failEpl?: boolean } = {}): FakeWevtutil {
  const calls: string[][] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args]);
    expect(file).toBe('wevtutil');
    const [verb, channel, out, overwrite] = args;
    if (verb === 'gl') {
      return { stdout: `name: ${channel}\r\nenabled: true\r\nlogging:\r\n  logFileName: ${logDirForGl}\\${channel!.replaceAll('/', '%4')}.evtx\r\n  retention: false\r\n`, stderr: '' };
    }
    expect(verb).toBe('epl');
    expect(overwrite).toBe('/ow:true');
    if (options.failEpl) throw new Error('wevtutil epl failed: Access is denied.');
    writeFileSync(out!, exportedBytes(channel!));
    return { stdout: '', stderr: '' };
  };
  return { run, calls };
}

describe('channel names', () => {
  it('maps an .evtx file name to its channel', () => {
    expect(channelForFileName('Microsoft-WindowsAzure-Status%4Plugins.evtx')).toBe('Microsoft-WindowsAzure-Status/Plugins');
    expect(channelForFileName('Microsoft-Windows-PowerShell%4Operational.evtx')).toBe('Microsoft-Windows-PowerShell/Operational');
    expect(channelForFileName('Windows PowerShell.evtx')).toBe('Windows PowerShell');
    expect(channelForFileName('Security.EVTX')).toBe('Security');
    expect(channelForFileName('Security.evt')).toBeNull();
    expect(channelForFileName('.evtx')).toBeNull();
  });

  it('expands %variables% in the channel log file name, ignoring case', () => {
    const gl = 'name: Security\r\nlogging:\r\n  logFileName: %SystemRoot%\\System32\\Winevt\\Logs\\Security.evtx\r\n';
    expect(channelLogFile(gl, { SYSTEMROOT: 'D:\\Win' })).toBe('D:\\Win\\System32\\Winevt\\Logs\\Security.evtx');
    expect(channelLogFile(gl, {})).toBe('C:\\Windows\\System32\\Winevt\\Logs\\Security.evtx');
    expect(channelLogFile('name: x\r\n', {})).toBeNull();
  });
});

describe('createWevtutilExporter', () => {
  let tmp: string;
  beforeAll(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'wevt-')); });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const securitySegments = ['C', 'Windows', 'System32', 'winevt', 'Logs', 'Security.evtx'].map((s) => Buffer.from(s));
  const livePath = Buffer.from('C:\\Windows\\System32\\winevt\\Logs\\Security.evtx');

  it('exports the channel whose live log is this file into a temp dir, and cleans up', async () => {
    const fake = fakeWevtutil('%SystemRoot%\\System32\\Winevt\\Logs');
    const exporter = createWevtutilExporter({ run: fake.run, tempParents: (drive) => { expect(drive).toBe('C'); return [path.join(tmp, 'missing'), tmp]; }, env: { SystemRoot: 'C:\\Windows' } });
    const exported = await exporter.export(securitySegments, Buffer.from(`\\\\?\\${livePath.toString()}`));
    expect(exported).not.toBeNull();
    expect(fake.calls.map((c) => c.slice(0, 3))).toEqual([['wevtutil', 'gl', 'Security'], ['wevtutil', 'epl', 'Security']]);
    expect(path.dirname(path.dirname(exported!.file))).toBe(tmp);
    expect(path.basename(exported!.file)).toBe('Security.evtx');
    expect(exported!.method).toBe('wevtutil-export');
    expect(exported!.note).toContain('wevtutil epl "Security"');
    expect(readFileSync(exported!.file).equals(exportedBytes('Security'))).toBe(true);
    await exported!.cleanup();
    expect(existsSync(path.dirname(exported!.file))).toBe(false);
  });

  it('does not apply to files that are not the live channel log (another disk, another folder, not .evtx)', async () => {
    const fake = fakeWevtutil('%SystemRoot%\\System32\\Winevt\\Logs');
    const exporter = createWevtutilExporter({ run: fake.run, tempParents: () => [tmp], env: { SystemRoot: 'C:\\Windows' } });
    expect(await exporter.export(securitySegments, Buffer.from('E:\\cases\\vm1\\C\\Windows\\System32\\winevt\\Logs\\Security.evtx'))).toBeNull();
    expect(fake.calls).toHaveLength(1); // gl only: no export of this machine's channel for a mounted disk
    const elsewhere = ['C', 'Temp', 'Security.evtx'].map((s) => Buffer.from(s));
    expect(await exporter.export(elsewhere, Buffer.from('C:\\Temp\\Security.evtx'))).toBeNull();
    const notEvtx = ['C', 'Windows', 'System32', 'winevt', 'Logs', 'Security.txt'].map((s) => Buffer.from(s));
    expect(await exporter.export(notEvtx, Buffer.from('C:\\Windows\\System32\\winevt\\Logs\\Security.txt'))).toBeNull();
    expect(fake.calls).toHaveLength(1);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('rejects and leaves no temp file when wevtutil epl fails', async () => {
    const fake = fakeWevtutil('C:\\Windows\\System32\\winevt\\Logs', { failEpl: true });
    const exporter = createWevtutilExporter({ run: fake.run, tempParents: () => [tmp], env: {} });
    await expect(exporter.export(securitySegments, livePath)).rejects.toThrow(/Access is denied/);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('collect: locked event logs through the exporter', () => {
  let base: string;
  let tree: WindowsVmTree;
  let n = 0;
  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'wevt-collect-'));
    tree = buildWindowsVmTree(path.join(base, 'tree'));
  });
  afterEach(() => locked.clear());
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  async function run(platform: Platform) {
    n += 1;
    const archive = path.join(base, `out-${n}.tar.gz`);
    const result = await collectInProcess(tree.root, archive, { platform });
    const dir = path.join(base, `x-${n}`);
    await extractWithGnuTar(archive, dir);
    const entry = (name: string) => result.manifest.entries.find((e) => e.path.endsWith(`\\${name}`))!;
    return { result, dir, entry };
  }

  const evtxHostPath = (name: string) => path.join(tree.root, EVTX_DIR, name);

  it('archives the export with its size and hash, keeps the original times, records the method, deletes the temp copy', async () => {
    const exportParent = path.join(base, 'exports');
    mkdirSync(exportParent);
    const fake = fakeWevtutil('%SystemRoot%\\system32\\winevt\\Logs');
    const platform: Platform = {
      ...createWindowsPlatform({ exportLockedEventLogs: false }),
      lockedFileExporter: createWevtutilExporter({ run: fake.run, tempParents: () => [exportParent], env: { SYSTEMROOT: path.join(tree.root, 'C', 'windows') } }),
    };
    locked.set(evtxHostPath('Security.evtx'), 'EBUSY');
    locked.set(evtxHostPath('Microsoft-WindowsAzure-Status%4Plugins.evtx'), 'EPERM');
    const { result, dir, entry } = await run(platform);

    for (const [name, channel] of [['Security.evtx', 'Security'], ['Microsoft-WindowsAzure-Status%4Plugins.evtx', 'Microsoft-WindowsAzure-Status/Plugins']] as const) {
      const e = entry(name);
      const expected = exportedBytes(channel);
      expect(e.outcome).toBe('collected');
      expect(e.method).toBe('wevtutil-export');
      expect(e.size).toBe(expected.length);
      expect(e.sha256).toBe(sha256(expected));
      expect(e.note).toMatch(/^(EBUSY: held by another process|EPERM: permission refused); held by the EventLog service: exported with wevtutil epl/);
      expect(e.mtime).toBe(tree.byPath.get(`${EVTX_DIR}/${name}`)!.mtime.toISOString().replace('Z', '000000Z'));
      expect(readFileSync(path.join(dir, e.archivePath!)).equals(expected)).toBe(true);
    }
    const plain = entry('System.evtx');
    expect(plain.method).toBeUndefined();
    expect(plain.sha256).toBe(sha256(tree.byPath.get(`${EVTX_DIR}/System.evtx`)!.bytes));
    expect(fake.calls.filter((c) => c[1] === 'epl')).toHaveLength(2);
    expect(readdirSync(exportParent)).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  it('records the file as locked, with the reason, when the export fails or there is no exporter', async () => {
    const exportParent = path.join(base, 'exports-fail');
    mkdirSync(exportParent);
    const fake = fakeWevtutil('%SystemRoot%\\system32\\winevt\\Logs', { failEpl: true });
    const failing: Platform = {
      ...createWindowsPlatform({ exportLockedEventLogs: false }),
      lockedFileExporter: createWevtutilExporter({ run: fake.run, tempParents: () => [exportParent], env: { SystemRoot: path.join(tree.root, 'C', 'windows') } }),
    };
    locked.set(evtxHostPath('Security.evtx'), 'EBUSY');
    const first = await run(failing);
    const e = first.entry('Security.evtx');
    expect(e.outcome).toBe('locked');
    expect(e.archivePath).toBeNull();
    expect(e.sha256).toBeNull();
    expect(e.method).toBeUndefined();
    expect(e.note).toBe('EBUSY: held by another process; export failed: wevtutil epl failed: Access is denied.');
    expect(first.result.problems.map((p) => p.path)).toEqual([e.path]);
    expect(readdirSync(exportParent)).toEqual([]);

    const none = await run(createWindowsPlatform({ exportLockedEventLogs: false }));
    expect(none.entry('Security.evtx')).toMatchObject({ outcome: 'locked', note: 'EBUSY: held by another process', archivePath: null });
  });
});
