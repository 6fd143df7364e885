// The collector recognises its own Run Command / CSE work folder from its working directory, on a live root and below a tree root.
import { describe, expect, it } from 'vitest';
import { linuxOwnFootprint } from '../../agent/linux/run-command-footprint.ts';

describe('linuxOwnFootprint', () => {
  it('names Run Command v1, v2 and CSE download folders', () => {
    expect(linuxOwnFootprint('/', '/var/lib/waagent/run-command/download/12', {})).toEqual({ via: 'run-command-v1', sequence: '12', folder: '/var/lib/waagent/run-command/download/12' });
    expect(linuxOwnFootprint('/', '/var/lib/waagent/run-command-handler/download/Preserve01/0', {})).toEqual({ via: 'run-command-v2', name: 'Preserve01', sequence: '0', folder: '/var/lib/waagent/run-command-handler/download/Preserve01/0' });
    expect(linuxOwnFootprint('/', '/var/lib/waagent/custom-script/download/4/sub', {})).toMatchObject({ via: 'custom-script', sequence: '4', folder: '/var/lib/waagent/custom-script/download/4' });
  });

  it('maps the working directory through a tree root, and falls back to the launcher\'s word', () => {
    expect(linuxOwnFootprint('/cases/vm1', '/cases/vm1/var/lib/waagent/run-command/download/3', {})).toMatchObject({ sequence: '3', folder: '/var/lib/waagent/run-command/download/3' });
    expect(linuxOwnFootprint('/cases/vm1', '/var/lib/waagent/run-command/download/3', {})).toBeNull();
    expect(linuxOwnFootprint('/', '/root', { CSE_PRESERVE_LAUNCHED_BY: 'run-command', ConfigSequenceNumber: '9' })).toEqual({ via: 'run-command', sequence: '9', folder: null });
    expect(linuxOwnFootprint('/', '/root', {})).toBeNull();
  });
});
