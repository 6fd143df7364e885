// Linux platform: POSIX paths below --root, Linux catalog, host identity from os.* and /etc files (no child processes).
import os from 'node:os';
import path from 'node:path';
import type { Platform, EvidenceSegments } from '../engine/platform.ts';
import type { HostFacts } from '../manifest/types.ts';
import { readSmallFile } from '../engine/read-small-file.ts';
import { linuxCatalog } from './catalog.ts';
import { linuxFallbackDir } from './fallback-dir.ts';
import { linuxOwnFootprint } from './run-command-footprint.ts';

const SLASH = Buffer.from('/');

function osReleaseName(text: string | null): string | null {
  if (!text) return null;
  const line = text.split('\n').find((l) => l.startsWith('PRETTY_NAME='));
  return line ? line.slice('PRETTY_NAME='.length).replace(/^"|"$/g, '') : null;
}

async function systemIdentity(base: string) {
  const [hostname, machineId, osRelease] = await Promise.all([
    readSmallFile(path.join(base, 'etc/hostname')),
    readSmallFile(path.join(base, 'etc/machine-id')),
    readSmallFile(path.join(base, 'etc/os-release')).then(async (t) => t ?? readSmallFile(path.join(base, 'usr/lib/os-release'))),
  ]);
  return { hostname: hostname?.trim() || null, machineId: machineId?.trim() || null, osRelease: osReleaseName(osRelease) };
}

export const linuxPlatform: Platform = {
  os: 'linux',
  catalog: linuxCatalog,
  caseInsensitive: false,

  globSegments(glob) {
    return glob.split('/').filter((s) => s.length > 0);
  },

  hostPath(root, segments: EvidenceSegments) {
    const base = Buffer.from(root === '/' ? '' : root.replace(/\/+$/, ''));
    const parts: Buffer[] = [base];
    for (const s of segments) parts.push(SLASH, s);
    return parts.length === 1 ? Buffer.from(root) : Buffer.concat(parts);
  },

  displayPath(segments) {
    return '/' + segments.map((s) => s.toString('utf8')).join('/');
  },

  watchRoots: ['/var/lib/waagent', '/var/log/azure'],
  stateDir: '/var/lib/cse-preserve',
  defaultFallbackDir: linuxFallbackDir,
  ownFootprint: linuxOwnFootprint,

  async hostFacts(root): Promise<HostFacts> {
    const live = await systemIdentity('/');
    const facts: HostFacts = {
      hostname: os.hostname(),
      os: 'linux',
      osRelease: live.osRelease,
      kernel: `${os.type()} ${os.release()} ${os.version()}`,
      arch: os.arch(),
      machineId: live.machineId,
      bootTime: new Date(Date.now() - os.uptime() * 1000).toISOString(),
    };
    if (path.resolve(root) !== '/') facts.evidenceSystem = await systemIdentity(root);
    return facts;
  },
};
