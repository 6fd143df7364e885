// The collection interval: accepted spellings, range, and its systemd and ISO 8601 forms.
import { describe, expect, it } from 'vitest';
import { intervalLabel, isoDuration, parseInterval, systemdTimespan } from '../../agent/schedule/interval.ts';

describe('interval', () => {
  it('parses minutes, hours, days and sums of them', () => {
    expect(parseInterval('6h')).toBe(21600);
    expect(parseInterval('30m')).toBe(1800);
    expect(parseInterval('45min')).toBe(2700);
    expect(parseInterval('1d')).toBe(86400);
    expect(parseInterval('1h30m')).toBe(5400);
    expect(parseInterval(' 2H ')).toBe(7200);
  });

  it('refuses other spellings and intervals outside 10m..31d with a usage error', () => {
    for (const bad of ['', '6', 'h', '6 h', '6x', '-1h', '1.5h', 'PT6H', '6h;rm']) {
      expect(() => parseInterval(bad), bad).toThrow(expect.objectContaining({ code: 'CSE_USAGE' }));
    }
    expect(() => parseInterval('9m')).toThrow(/out of range/);
    expect(() => parseInterval('32d')).toThrow(/out of range/);
    expect(parseInterval('10m')).toBe(600);
    expect(parseInterval('31d')).toBe(31 * 86400);
  });

  it('writes the systemd time span, the ISO 8601 duration and the label', () => {
    const cases: [string, string, string, string][] = [
      ['6h', '6h', 'PT6H', '6h'],
      ['90m', '1h 30min', 'PT1H30M', '1h30m'],
      ['1d', '1d', 'P1D', '1d'],
      ['1d12h', '1d 12h', 'P1DT12H', '1d12h'],
      ['10m', '10min', 'PT10M', '10m'],
    ];
    for (const [input, systemd, iso, label] of cases) {
      const s = parseInterval(input);
      expect([systemdTimespan(s), isoDuration(s), intervalLabel(s)], input).toEqual([systemd, iso, label]);
    }
  });
});
