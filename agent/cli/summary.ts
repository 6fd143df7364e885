// The one-line JSON summary that ends stdout: at most 4,096 bytes, because Run Command returns only the last 4,096 bytes of output.
import { redact } from '../redact.ts';

export const SUMMARY_LIMIT = 4096;

export interface Summary {
  status: string;
  [key: string]: unknown;
}

/** Serialises `summary`; if too long, trims the list-valued fields (problems first) until it fits. */
export function summaryLine(summary: Summary): string {
  const copy: Summary = JSON.parse(JSON.stringify(summary));
  let line = redact(JSON.stringify(copy));
  const lists = Object.keys(copy).filter((k) => Array.isArray(copy[k]));
  while (Buffer.byteLength(line) > SUMMARY_LIMIT) {
    const key = lists.find((k) => (copy[k] as unknown[]).length > 0);
    if (!key) {
      line = redact(JSON.stringify({ status: copy.status, truncated: true })).slice(0, SUMMARY_LIMIT);
      break;
    }
    const arr = copy[key] as unknown[];
    arr.splice(Math.max(0, Math.floor(arr.length / 2)));
    copy.truncated = true;
    line = redact(JSON.stringify(copy));
  }
  return line;
}
