// The systemd units: the exact watch/collect command lines, the hardening and timer settings, quoting, and systemd's own verifier.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINUX_PATHS } from '../../agent/schedule/linux-target.ts';
import type { ScheduleSpec } from '../../agent/schedule/schedule-target.ts';
import { collectService, collectTimer, systemdWord, watchService } from '../../agent/schedule/systemd-units.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const URL_ = 'https://acct.blob.core.windows.net/evidence';
const spec = (credential: ScheduleSpec['credential'], intervalSeconds = 21600): ScheduleSpec =>
  ({ containerUrl: URL_, credential, intervalSeconds, now: new Date('2025-03-01T12:00:00Z'), toolVersion: '1.2.3' });

/** `Key=value` lines of one section. */
function section(unit: string, name: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const line of unit.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) { current = header[1]!; continue; }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (kv && current === name) out.set(kv[1]!, [...(out.get(kv[1]!) ?? []), kv[2]!]);
  }
  return out;
}

const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('systemd units', () => {
  it('runs watch and collect with exactly the agreed flags (SAS file)', () => {
    const watch = section(watchService(spec({ kind: 'sas-file' }), LINUX_PATHS), 'Service');
    expect(watch.get('ExecStart')).toEqual([
      `/usr/local/lib/cse-preserve/cse-preserve watch --container-url ${URL_} --sas-file /etc/cse-preserve/sas --state-file /var/lib/cse-preserve/state.json --queue-dir /var/lib/cse-preserve/queue`,
    ]);
    const collect = section(collectService(spec({ kind: 'sas-file' }), LINUX_PATHS), 'Service');
    expect(collect.get('ExecStart')).toEqual([`/usr/local/lib/cse-preserve/cse-preserve collect --container-url ${URL_} --sas-file /etc/cse-preserve/sas`]);
  });

  it('puts --managed-identity [clientId] in place of --sas-file', () => {
    const id = '0b5c3a1e-1111-2222-3333-444455556666';
    const watch = section(watchService(spec({ kind: 'managed-identity', clientId: id }), LINUX_PATHS), 'Service').get('ExecStart')![0]!;
    expect(watch).toBe(`/usr/local/lib/cse-preserve/cse-preserve watch --container-url ${URL_} --managed-identity ${id} --state-file /var/lib/cse-preserve/state.json --queue-dir /var/lib/cse-preserve/queue`);
    const collect = section(collectService(spec({ kind: 'managed-identity' }), LINUX_PATHS), 'Service').get('ExecStart')![0]!;
    expect(collect).toBe(`/usr/local/lib/cse-preserve/cse-preserve collect --container-url ${URL_} --managed-identity`);
    expect(watch).not.toMatch(/sas/);
  });

  it('keeps the watcher always running, hardened but able to read everything, and light', () => {
    const unit = watchService(spec({ kind: 'sas-file' }), LINUX_PATHS);
    const s = section(unit, 'Service');
    expect(Object.fromEntries([...s].map(([k, v]) => [k, v.join(',')]))).toMatchObject({
      Type: 'simple', Restart: 'always', NoNewPrivileges: 'yes', PrivateTmp: 'yes', ProtectHome: 'read-only',
      ReadWritePaths: '/var/lib/cse-preserve', IOSchedulingClass: 'idle', Nice: '10', CPUQuota: '25%',
    });
    // Nothing that hides or blocks reading evidence: no capability bounding set, no inaccessible paths, no private /var.
    expect(unit).not.toMatch(/CapabilityBoundingSet|InaccessiblePaths|TemporaryFileSystem|ProtectSystem=(?!strict\n)/);
    expect(section(unit, 'Unit').get('StartLimitIntervalSec')).toEqual(['0']);
    expect(section(unit, 'Install').get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('runs the collection as a oneshot with an 80-minute limit, and a persistent timer at the interval', () => {
    const s = section(collectService(spec({ kind: 'sas-file' }), LINUX_PATHS), 'Service');
    expect(s.get('Type')).toEqual(['oneshot']);
    expect(s.get('TimeoutStartSec')).toEqual(['80min']);
    expect(s.has('PrivateTmp')).toBe(false); // the upload fallback may be the temp dir and must outlive the run
    const timer = collectTimer(spec({ kind: 'sas-file' }, 5400));
    expect(Object.fromEntries([...section(timer, 'Timer')].map(([k, v]) => [k, v.join(',')]))).toEqual({
      OnBootSec: '5min', OnUnitActiveSec: '1h 30min', Persistent: 'true', Unit: 'cse-preserve-collect.service',
    });
    expect(section(timer, 'Install').get('WantedBy')).toEqual(['timers.target']);
  });

  it('quotes and escapes ExecStart words so systemd passes them through unchanged', () => {
    expect(systemdWord('/usr/bin/x')).toBe('/usr/bin/x');
    expect(systemdWord('a b')).toBe('"a b"');
    expect(systemdWord('100%')).toBe('100%%');
    expect(systemdWord('$HOME')).toBe('"$$HOME"');
    expect(systemdWord('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(systemdWord(';')).toBe('";"');
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify (only the not-yet-installed binary is reported)', async () => {
    const dir = await tempDir();
    const files: string[] = [];
    for (const [name, text] of [
      ['cse-preserve-watch.service', watchService(spec({ kind: 'sas-file' }), LINUX_PATHS)],
      ['cse-preserve-collect.service', collectService(spec({ kind: 'managed-identity' }), LINUX_PATHS)],
      ['cse-preserve-collect.timer', collectTimer(spec({ kind: 'sas-file' }))],
    ] as const) {
      files.push(path.join(dir, name));
      await writeFile(path.join(dir, name), text);
    }
    const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
    const lines = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean);
    expect(lines.filter((l) => !/Command \/usr\/local\/lib\/cse-preserve\/cse-preserve is not executable/.test(l))).toEqual([]);
    // The check can fail: an unknown key is reported.
    await writeFile(files[0]!, `${watchService(spec({ kind: 'sas-file' }), LINUX_PATHS)}`.replace('Nice=10', 'Nicety=10'));
    expect(execFileSync('sh', ['-c', `systemd-analyze verify "${files[0]}" 2>&1 || true`], { encoding: 'utf8' })).toMatch(/Unknown key 'Nicety'/);
  });
});
