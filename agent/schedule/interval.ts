// The collection interval: parsed from `30m`, `6h`, `1d`, ..., and written as a systemd time span and an ISO 8601 duration.
import { UsageError } from '../errors.ts';

/** Task Scheduler repeats at most every minute and at least every 31 days; shorter than 10 minutes would only stack runs. */
export const MIN_INTERVAL_SECONDS = 10 * 60;
export const MAX_INTERVAL_SECONDS = 31 * 86400;

const UNIT_SECONDS: Record<string, number> = { m: 60, min: 60, h: 3600, d: 86400 };

/** Whole minutes from `<n>m`, `<n>min`, `<n>h`, `<n>d` or a sum such as `1h30m`; throws a UsageError otherwise. */
export function parseInterval(text: string): number {
  const trimmed = text.trim().toLowerCase();
  const parts = [...trimmed.matchAll(/(\d+)(min|m|h|d)/g)];
  if (!trimmed || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`--interval ${text} is not a duration`, 'give minutes, hours or days, e.g. 30m, 6h, 1d or 1h30m');
  }
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
  if (seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
    throw new UsageError(`--interval ${text} is out of range`, 'give an interval from 10m to 31d');
  }
  return seconds;
}

function split(seconds: number): { d: number; h: number; m: number } {
  return { d: Math.floor(seconds / 86400), h: Math.floor((seconds % 86400) / 3600), m: Math.floor((seconds % 3600) / 60) };
}

/** systemd time span: `6h`, `1d 12h`, `90min` is written `1h 30min`. */
export function systemdTimespan(seconds: number): string {
  const { d, h, m } = split(seconds);
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}min` : ''].filter(Boolean).join(' ') || '0';
}

/** ISO 8601 duration as Task Scheduler wants it: `PT6H`, `P1D`, `P1DT12H`, `PT1H30M`. */
export function isoDuration(seconds: number): string {
  const { d, h, m } = split(seconds);
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
  const body = `${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
  return body ? `P${body}` : 'PT0S';
}

/** The short form shown to people and kept in config.json: `6h`, `1d12h`, `1h30m`. */
export function intervalLabel(seconds: number): string {
  const { d, h, m } = split(seconds);
  return `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}`;
}
