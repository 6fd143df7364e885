// Names a run's folder: <prefix>/<hostname>/<UTC yyyymmddTHHMMSSZ>-<run id>, unique per host and run, safe as a blob or directory name.
import { randomBytes } from 'node:crypto';

export interface RunFolder { runId: string; folder: string }

const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._]+/, '') || 'unknown';

export function runFolder(prefix: string, hostname: string, started: Date, runId = randomBytes(4).toString('hex')): RunFolder {
  const stamp = started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const parts = [...prefix.split('/').filter(Boolean).map(safe), safe(hostname), `${stamp}-${runId}`];
  return { runId, folder: parts.join('/') };
}
