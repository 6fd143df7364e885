// Progress goes to a terminal only: files, bytes, rate and ETA on one redrawn stderr line, at most five times a second.
import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../../agent/cli/progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => { writes.push(s); return true; } } as unknown as NodeJS.WriteStream, writes };
}

describe('terminalProgress', () => {
  it('is silent when stderr is not a terminal (Run Command, pipes, CI)', () => {
    expect(terminalProgress(fakeStream(false).stream)).toBeUndefined();
  });

  it('draws files, bytes, rate and ETA, throttled', async () => {
    const { stream, writes } = fakeStream(true);
    const draw = terminalProgress(stream)!;
    await new Promise((r) => setTimeout(r, 250));
    draw({ files: 3, bytes: 50 * 1048576, plannedBytes: 100 * 1048576, path: '/var/log/waagent.log' });
    draw({ files: 4, bytes: 60 * 1048576, plannedBytes: 100 * 1048576, path: '/var/log/syslog' }); // within 200 ms: skipped
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r3 files {2}50\.0 MiB\/100\.0 MiB {2}[\d.]+ MiB\/s {2}ETA \d+s {2}\/var\/log\/waagent\.log/);
  });
});
