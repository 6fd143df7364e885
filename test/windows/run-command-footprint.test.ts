// The Windows collector recognises its own Run Command / CSE Downloads folder from its working directory.
import { describe, expect, it } from 'vitest';
import { windowsOwnFootprint } from '../../agent/windows/run-command-footprint.ts';

describe('windowsOwnFootprint', () => {
  it('names Run Command v1, v2 and CSE Downloads folders on live drives', () => {
    expect(windowsOwnFootprint('', 'C:\\Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandWindows\\1.1.22\\Downloads', { ConfigSequenceNumber: '5' }))
      .toEqual({ via: 'run-command-v1', sequence: '5', folder: 'C:\\Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandWindows\\1.1.22\\Downloads' });
    expect(windowsOwnFootprint('', 'c:\\packages\\plugins\\Microsoft.Compute.CustomScriptExtension\\1.10.15\\Downloads\\3', {}))
      .toMatchObject({ via: 'custom-script', sequence: '3' });
    expect(windowsOwnFootprint('', 'C:\\Users\\admin', {})).toBeNull();
  });

  it('maps a tree root back to the drive', () => {
    expect(windowsOwnFootprint('C:\\cases\\vm1', 'C:\\cases\\vm1\\C\\Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandHandlerWindows\\2.0.5\\Downloads', {}))
      .toMatchObject({ via: 'run-command-v2', folder: 'C:\\Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandHandlerWindows\\2.0.5\\Downloads' });
  });
});
