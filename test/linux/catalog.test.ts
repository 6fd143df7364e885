// The Linux catalog is well-formed data: unique ids, absolute globs, tiers as the reference asks, keys hash-only.
import { describe, expect, it } from 'vitest';
import { linuxCatalog } from '../../agent/linux/catalog.ts';
import type { ArtifactDefinition } from '../../agent/catalog/types.ts';

const catalog: readonly ArtifactDefinition[] = linuxCatalog;
const byId = new Map(catalog.map((a) => [a.id, a]));

describe('linuxCatalog', () => {
  it('has unique Linux-prefixed ids with a type suffix, descriptions and references', () => {
    expect(byId.size).toBe(catalog.length);
    for (const a of catalog) {
      expect(a.id).toMatch(/^Linux[A-Z][A-Za-z0-9]+(File|Directory|Copies)$/);
      expect(a.os).toBe('linux');
      expect(a.description.length).toBeGreaterThan(30);
      expect(a.references.length).toBeGreaterThan(0);
      for (const g of a.globs) expect(g).toMatch(/^\/[^/]/);
    }
  });

  it('puts what the platform deletes by itself in tier 0', () => {
    const tier0 = catalog.filter((a) => a.tier === 0).flatMap((a) => a.globs);
    for (const must of ['/var/lib/waagent/custom-script/download/**', '/var/lib/waagent/run-command/download/**', '/var/lib/waagent/*-[0-9]*/config/**', '/var/lib/waagent/*-[0-9]*/status/**', '/var/lib/waagent/*-[0-9]*/*.pidstart']) {
      expect(tier0).toContain(must);
    }
    const logs = catalog.filter((a) => a.tier === 2).flatMap((a) => a.globs);
    expect(logs).toEqual(expect.arrayContaining(['/var/log/waagent.log*', '/var/log/azure/**', '/var/log/syslog*', '/var/log/messages*', '/var/log/journal/**']));
  });

  it('lists private keys as sensitive and hash-only', () => {
    const keys = byId.get('LinuxWaagentPrivateKeyFile')!;
    expect(keys).toMatchObject({ mode: 'hash-only', sensitive: true });
    expect(keys.globs).toEqual(expect.arrayContaining(['/var/lib/waagent/*.prv', '/var/lib/waagent/Certificates.pem']));
  });
});
