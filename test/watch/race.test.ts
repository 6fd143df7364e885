// The race the watcher exists for: a CSE-like handler writes a script and settings per run, truncates older settings, deletes older downloads, then uninstalls. Every script and settings file of 100 runs must be preserved with exact bytes.
import { describe, expect, it } from 'vitest';
import { raceOnce } from '../helpers/watch-race.ts';

describe('watch: race against a CSE-like handler', () => {
  it('preserves every script and settings file of 100 runs with exact bytes at a 500 ms deletion delay', async () => {
    const r = await raceOnce(100, 500);
    console.log(`race 100 runs @ 500 ms: scripts ${r.scripts}/100, settings ${r.settings}/100, ${r.archives} archives, watcher ${JSON.stringify(r.summary)}`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.scripts).toBe(100);
    expect(r.settings).toBe(100);
  }, 180_000);
});
