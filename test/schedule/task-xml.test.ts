// The Windows task XML: UTF-16 LE with BOM, well-formed (fast-xml-parser and xmllint), the required Task Scheduler 1.2 elements and values, argument quoting.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { isoDuration } from '../../agent/schedule/interval.ts';
import { collectTaskXml, decodeTaskXml, encodeTaskXml, watchTaskXml, windowsArg, type TaskSpec } from '../../agent/schedule/task-xml.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const EXE = 'C:\\Program Files\\cse-preserve\\cse-preserve.exe';
const task = (name: string, args: string[]): TaskSpec => ({ name, description: `${name} & <test>`, command: EXE, args });
const WATCH_ARGS = ['watch', '--container-url', 'https://acct.blob.core.windows.net/evidence', '--sas-file', 'C:\\ProgramData\\cse-preserve\\sas', '--state-file', 'C:\\ProgramData\\cse-preserve\\state\\state.json', '--queue-dir', 'C:\\ProgramData\\cse-preserve\\state\\queue'];
const COLLECT_ARGS = ['collect', '--container-url', 'https://acct.blob.core.windows.net/evidence', '--managed-identity'];

/** CommandLineToArgvW's rules (2n backslashes + quote -> n and toggle; 2n+1 -> n and a literal quote). */
function parseWindowsArgs(line: string): string[] {
  const args: string[] = [];
  let cur = '';
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\') {
      let n = 0;
      while (line[i] === '\\') { n++; i++; }
      if (line[i] === '"') { cur += '\\'.repeat(Math.floor(n / 2)); if (n % 2) cur += '"'; else inQuotes = !inQuotes; }
      else { cur += '\\'.repeat(n); i--; }
      started = true;
    } else if (ch === '"') { inQuotes = !inQuotes; started = true; }
    else if (/\s/.test(ch) && !inQuotes) { if (started) args.push(cur); cur = ''; started = false; }
    else { cur += ch; started = true; }
  }
  if (started) args.push(cur);
  return args;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: true });
const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false });

/** Element names under `Task > Triggers > <trigger>`, in document order. */
function triggerChildOrder(xml: string): Record<string, string[]> {
  const doc = ordered.parse(xml) as Record<string, unknown[]>[];
  const taskNode = doc.find((n) => 'Task' in n)!.Task as Record<string, unknown[]>[];
  const triggers = taskNode.find((n) => 'Triggers' in n)!.Triggers as Record<string, unknown[]>[];
  return Object.fromEntries(triggers.map((t) => { const name = Object.keys(t)[0]!; return [name, (t[name] as Record<string, unknown>[]).map((c) => Object.keys(c)[0]!)]; }));
}

/** Durations Task Scheduler accepts: ISO 8601 with D/H/M/S parts, in [min, max] when given. */
function seconds(d: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(d);
  if (!m || d === 'P' || d.endsWith('T')) throw new Error(`not a duration: ${d}`);
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** triggerBaseType is a sequence: Enabled, StartBoundary, EndBoundary, Repetition, ExecutionTimeLimit, then the trigger's own elements. */
const BASE_ORDER = ['Enabled', 'StartBoundary', 'EndBoundary', 'Repetition', 'ExecutionTimeLimit'];
function assertSequence(children: string[], own: string[]): void {
  const rank = (c: string) => (BASE_ORDER.includes(c) ? BASE_ORDER.indexOf(c) : own.includes(c) ? 10 + own.indexOf(c) : -1);
  expect(children.every((c) => rank(c) >= 0), children.join(',')).toBe(true);
  expect(children.map(rank)).toEqual([...children.map(rank)].sort((a, b) => a - b));
}

describe('task XML', () => {
  const watchBytes = encodeTaskXml(watchTaskXml(task('cse-preserve-watch', WATCH_ARGS), NOW));
  const collectBytes = encodeTaskXml(collectTaskXml(task('cse-preserve-collect', COLLECT_ARGS), 6 * 3600, NOW));

  it('is UTF-16 LE with a BOM, CRLF lines and a matching declaration, and well-formed', () => {
    for (const bytes of [watchBytes, collectBytes]) {
      expect([...bytes.subarray(0, 4)]).toEqual([0xff, 0xfe, 0x3c, 0x00]);
      const xml = decodeTaskXml(bytes);
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-16"?>\r\n')).toBe(true);
      expect(xml.replace(/\r\n/g, '')).not.toMatch(/\n/);
      expect(XMLValidator.validate(xml)).toBe(true);
    }
    // The validator can fail.
    expect(XMLValidator.validate(decodeTaskXml(watchBytes).replace('</Settings>', ''))).not.toBe(true);
  });

  it('watch: boot trigger, SYSTEM at the highest level, no time limit, restarted on failure and re-started if it exited', () => {
    const t = parser.parse(decodeTaskXml(watchBytes)).Task;
    expect(t['@version']).toBe('1.2');
    expect(t['@xmlns']).toBe('http://schemas.microsoft.com/windows/2004/02/mit/task');
    expect(t.RegistrationInfo.URI).toBe('\\cse-preserve-watch');
    expect(t.RegistrationInfo.Description).toBe('cse-preserve-watch & <test>');
    expect(t.Principals.Principal).toMatchObject({ UserId: 'S-1-5-18', RunLevel: 'HighestAvailable', '@id': 'Author' });
    expect(t.Actions['@Context']).toBe('Author');
    expect(t.Triggers.BootTrigger.Enabled).toBe('true');
    expect(t.Triggers.TimeTrigger.Repetition.Interval).toBe('PT5M');
    expect(t.Settings).toMatchObject({ ExecutionTimeLimit: 'PT0S', MultipleInstancesPolicy: 'IgnoreNew', DisallowStartIfOnBatteries: 'false', StopIfGoingOnBatteries: 'false' });
    const restart = t.Settings.RestartOnFailure;
    // restartType: Interval PT1M..P31D, Count an unsignedByte >= 1.
    expect(seconds(restart.Interval)).toBeGreaterThanOrEqual(60);
    expect(seconds(restart.Interval)).toBeLessThanOrEqual(31 * 86400);
    expect(Number(restart.Count)).toBeGreaterThanOrEqual(1);
    expect(Number(restart.Count)).toBeLessThanOrEqual(255);
    expect(t.Actions.Exec.Command).toBe(EXE);
    expect(parseWindowsArgs(t.Actions.Exec.Arguments)).toEqual(WATCH_ARGS);
    const order = triggerChildOrder(decodeTaskXml(watchBytes));
    assertSequence(order.BootTrigger!, ['Delay']);
    assertSequence(order.TimeTrigger!, ['RandomDelay']);
  });

  it('collect: repeats at the interval in ISO 8601 from 5 minutes after install, as SYSTEM, stopped after 80 minutes', () => {
    const t = parser.parse(decodeTaskXml(collectBytes)).Task;
    const time = t.Triggers.TimeTrigger;
    expect(time.StartBoundary).toBe('2025-03-01T12:05:00+00:00');
    expect(time.Repetition.Interval).toBe('PT6H');
    expect(time.Repetition.StopAtDurationEnd).toBe('false');
    expect(time.Repetition.Duration).toBeUndefined(); // repeats indefinitely
    expect(t.Triggers.BootTrigger.Delay).toBe('PT5M');
    expect(t.Principals.Principal).toMatchObject({ UserId: 'S-1-5-18', RunLevel: 'HighestAvailable' });
    expect(t.Settings.ExecutionTimeLimit).toBe('PT80M');
    expect(t.Settings.StartWhenAvailable).toBe('true');
    expect(parseWindowsArgs(t.Actions.Exec.Arguments)).toEqual(COLLECT_ARGS);
    const order = triggerChildOrder(decodeTaskXml(collectBytes));
    assertSequence(order.BootTrigger!, ['Delay']);
    assertSequence(order.TimeTrigger!, ['RandomDelay']);
    for (const s of [600, 5400, 86400, 31 * 86400]) {
      const interval = parser.parse(decodeTaskXml(encodeTaskXml(collectTaskXml(task('c', COLLECT_ARGS), s, NOW)))).Task.Triggers.TimeTrigger.Repetition.Interval;
      expect(interval).toBe(isoDuration(s));
      expect(seconds(interval)).toBe(s);
    }
  });

  it('quotes arguments so the exe gets them back exactly, and escapes XML text', () => {
    const tricky = ['plain', 'has space', 'quote"inside', 'C:\\dir with space\\', 'back\\\\"slash', '', 'a&b<c>d'];
    expect(parseWindowsArgs(tricky.map(windowsArg).join(' '))).toEqual(tricky);
    const t = parser.parse(decodeTaskXml(encodeTaskXml(watchTaskXml(task('x', tricky), NOW)))).Task;
    expect(parseWindowsArgs(t.Actions.Exec.Arguments)).toEqual(tricky);
  });

  it.skipIf(!hasXmllint)('passes xmllint --noout, which reads the UTF-16 files as written (and rejects a broken one)', async () => {
    const dir = await tempDir();
    const files = [path.join(dir, 'watch.xml'), path.join(dir, 'collect.xml')];
    await writeFile(files[0]!, watchBytes);
    await writeFile(files[1]!, collectBytes);
    const ok = spawnSync('xmllint', ['--noout', ...files], { encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const broken = path.join(dir, 'broken.xml');
    await writeFile(broken, encodeTaskXml(watchTaskXml(task('x', ['a']), NOW).replace('</Triggers>', '</Trigger>')));
    expect(spawnSync('xmllint', ['--noout', broken]).status).not.toBe(0);
  });
});
