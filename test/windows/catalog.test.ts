// Checks the Windows catalog's shape: unique ids, drive-first globs, tiers and modes as the reference asks.
import { describe, expect, it } from 'vitest';
import type { ArtifactDefinition } from '../../agent/catalog/types.ts';
import { windowsCatalog } from '../../agent/windows/catalog.ts';
import { windowsPlatform } from '../../agent/windows/platform.ts';

const byId = new Map<string, ArtifactDefinition>(windowsCatalog.map((a) => [a.id, a]));

describe('windowsCatalog', () => {
  it('has unique CamelCase Windows ids and only Windows definitions', () => {
    expect(byId.size).toBe(windowsCatalog.length);
    for (const a of windowsCatalog) {
      expect(a.id).toMatch(/^Windows[A-Z][A-Za-z0-9]+(File|Directory)$/);
      expect(a.os).toBe('windows');
      expect(a.description.length).toBeGreaterThan(20);
      expect(a.references.length).toBeGreaterThan(0);
      for (const r of a.references) expect(r).toMatch(/^shared\/reference\/azure-artifacts\.md §\d+(\.\d+)?$/);
    }
  });

  it('writes every glob drive-letter first with forward slashes', () => {
    for (const glob of windowsCatalog.flatMap((a) => a.globs)) {
      expect(glob).toMatch(/^[A-Z]:\//);
      expect(glob).not.toContain('\\');
      expect(glob).not.toContain('//');
      expect(windowsPlatform.globSegments(glob)[0]).toMatch(/^[A-Z]$/);
    }
  });

  it('puts the platform-deleted evidence in tier 0, state in tier 1 and logs in tier 2', () => {
    const tierOf = (id: string) => byId.get(id)?.tier;
    for (const id of ['WindowsCseDownloadDirectory', 'WindowsCseRuntimeSettingsFile', 'WindowsCseStatusFile',
      'WindowsRunCommandV1DownloadDirectory', 'WindowsRunCommandV1StateDirectory', 'WindowsRunCommandV2DownloadDirectory', 'WindowsRunCommandV2StateDirectory']) {
      expect(tierOf(id), id).toBe(0);
    }
    for (const id of ['WindowsExtensionHandlerStateFile', 'WindowsExtensionHandlerBinaryFile', 'WindowsPluginDirectory',
      'WindowsAzureGoalStateConfigFile', 'WindowsCollectGuestLogsArchiveFile']) {
      expect(tierOf(id), id).toBe(1);
    }
    expect(tierOf('WindowsAzureLogDirectory')).toBe(2);
    expect(tierOf('WindowsEventLogFile')).toBe(2);
  });

  it('covers the checklist paths of §4–§7 and §10', () => {
    const globs = windowsCatalog.flatMap((a) => a.globs);
    for (const g of [
      'C:/Packages/Plugins/Microsoft.Compute.CustomScriptExtension/*/Downloads/**',
      'C:/Packages/Plugins/Microsoft.Compute.CustomScriptExtension/*/RuntimeSettings/*.settings',
      'C:/Packages/Plugins/Microsoft.Compute.CustomScriptExtension/*/Status/*.status',
      'C:/Packages/Plugins/Microsoft.Compute.CustomScriptExtension/*/Status/HeartBeat.Json',
      'C:/Packages/Plugins/Microsoft.CPlat.Core.RunCommandWindows/*/Downloads/**',
      'C:/Packages/Plugins/Microsoft.CPlat.Core.RunCommandHandlerWindows/*/Downloads/**',
      'C:/Packages/Plugins/*/*/HandlerEnvironment.json', 'C:/Packages/Plugins/*/*/mrseq',
      'C:/Packages/Plugins/**', 'C:/WindowsAzure/Logs/**', 'C:/WindowsAzure/config/*.xml',
      'C:/WindowsAzure/CollectGuestLogsTemp/*', 'D:/CollectGuestLogsTemp/*',
      'C:/Windows/System32/winevt/Logs/Microsoft-WindowsAzure-Status%4Plugins.evtx',
      'C:/Windows/System32/winevt/Logs/Security.evtx',
      'C:/Windows/System32/winevt/Logs/Windows PowerShell.evtx',
    ]) expect(globs, g).toContain(g);
    expect(byId.get('WindowsEventLogFile')?.globs).toHaveLength(8);
  });

  it('limits what is copied from other plugins and from handler binaries, but hashes everything', () => {
    const plugins = byId.get('WindowsPluginDirectory')!;
    expect(plugins.mode).toBe('copy-small');
    expect(plugins.limits?.maxCopyBytes).toBe(1024 * 1024);
    const binaries = byId.get('WindowsExtensionHandlerBinaryFile')!;
    expect(binaries.mode).toBe('copy-small');
    expect(binaries.limits?.maxCopyBytes).toBeGreaterThan(1024 * 1024);
    for (const a of windowsCatalog) if (a.mode !== 'copy-small') expect(a.mode, a.id).toBe('copy');
  });

  it('lists the specific plugin artifacts before the plugin catch-all within tier 1', () => {
    const tier1 = windowsCatalog.filter((a) => a.tier === 1).map((a) => a.id as string);
    expect(tier1.indexOf('WindowsPluginDirectory')).toBeGreaterThan(tier1.indexOf('WindowsExtensionHandlerBinaryFile'));
    expect(tier1.indexOf('WindowsPluginDirectory')).toBeGreaterThan(tier1.indexOf('WindowsExtensionHandlerStateFile'));
  });
});
