// Tests platform selection (--os, auto-detection of a Windows tree in any case) and the live-drives root for a live Windows run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeWindowsTree, resolveEvidenceRoot, selectPlatform } from '../../agent/cli/select-platform.ts';
import { linuxPlatform } from '../../agent/linux/platform.ts';
import { windowsPlatform } from '../../agent/windows/platform.ts';

describe('selectPlatform', () => {
  let base: string;
  const tree = (name: string, ...dirs: string[]) => {
    const root = path.join(base, name);
    for (const d of dirs) mkdirSync(path.join(root, d), { recursive: true });
    mkdirSync(root, { recursive: true });
    return root;
  };
  beforeAll(() => { base = mkdtempSync(path.join(os.tmpdir(), 'select-')); });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('honours an explicit --os', () => {
    expect(selectPlatform('windows', '/')).toBe(windowsPlatform);
    expect(selectPlatform('linux', tree('w1', 'C/Windows'))).toBe(linuxPlatform);
  });

  it('auto: Windows on a win32 runtime, or for a tree with C/Windows or C/WindowsAzure in any case', () => {
    expect(selectPlatform('auto', '/', 'win32')).toBe(windowsPlatform);
    expect(selectPlatform('auto', '/', 'linux')).toBe(linuxPlatform);
    for (const [name, dir] of [['a', 'C/Windows'], ['b', 'C/WindowsAzure'], ['c', 'c/windows'], ['d', 'C/WINDOWSAZURE']] as const) {
      const root = tree(name, dir);
      expect(looksLikeWindowsTree(root), dir).toBe(true);
      expect(selectPlatform('auto', root, 'linux'), dir).toBe(windowsPlatform);
    }
    const linuxTree = tree('linux', 'var/lib/waagent', 'C');
    expect(selectPlatform('auto', linuxTree, 'linux')).toBe(linuxPlatform);
    const fileNotDir = tree('file', 'C');
    writeFileSync(path.join(fileNotDir, 'C', 'Windows'), 'not a directory');
    expect(looksLikeWindowsTree(fileNotDir)).toBe(false);
    expect(looksLikeWindowsTree(path.join(base, 'does-not-exist'))).toBe(false);
  });
});

describe('resolveEvidenceRoot', () => {
  it('maps the default root of a live Windows run to the live drives', () => {
    expect(resolveEvidenceRoot(windowsPlatform, 'C:\\', 'win32', 'C:\\')).toBe('');
    expect(resolveEvidenceRoot(windowsPlatform, 'd:\\', 'win32', 'D:\\')).toBe('');
  });

  it('leaves a tree root, a Linux run and a Windows tree read on Linux unchanged', () => {
    expect(resolveEvidenceRoot(windowsPlatform, 'E:\\cases\\vm1', 'win32', 'C:\\')).toBe('E:\\cases\\vm1');
    expect(resolveEvidenceRoot(windowsPlatform, 'E:\\', 'win32', 'C:\\')).toBe('E:\\');
    expect(resolveEvidenceRoot(windowsPlatform, '/cases/vm1', 'linux', '/')).toBe('/cases/vm1');
    expect(resolveEvidenceRoot(windowsPlatform, '/', 'linux', '/')).toBe('/');
    expect(resolveEvidenceRoot(linuxPlatform, '/', 'linux', '/')).toBe('/');
    expect(resolveEvidenceRoot(linuxPlatform, 'C:\\', 'win32', 'C:\\')).toBe('C:\\');
  });
});
