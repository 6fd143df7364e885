// Test helper: checks the files GNU tar extracted from an archive against the manifest (size, SHA-256, complete member list) and the fixture's bytes and times.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Manifest, ManifestEntry } from '../../agent/manifest/types.ts';
import type { FixtureFile } from '../fixtures/windows-azure-vm.ts';
import { sha256File } from '../helpers/archive.ts';

function walkFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const r = rel ? `${rel}/${d.name}` : d.name;
    return d.isDirectory() ? walkFiles(dir, r) : [r];
  });
}

/** Drive-first fixture path (`C/Packages/...`) of an archive member `fs/C/Packages/...`. */
export const fixturePathOf = (member: string): string => member.replace(/^fs\//, '');

/** Fixture path (`C/Packages/...`) → the path the VM shows (`C:\Packages\...`). */
export const displayOf = (fixturePath: string): string => {
  const [drive, ...rest] = fixturePath.split('/');
  return `${drive}:\\${rest.join('\\')}`;
};

/**
 * The extracted fs/ files are exactly the manifest's archived file entries; each has the entry's size and SHA-256 and the
 * fixture's bytes and mtime. Returns the archived file entries.
 */
export async function checkExtractedFiles(dir: string, manifest: Manifest, fixture: ReadonlyMap<string, FixtureFile>): Promise<ManifestEntry[]> {
  const archived = manifest.entries.filter((e) => e.type === 'file' && e.archivePath);
  const byMember = new Map(archived.map((e) => [e.archivePath!, e]));
  const extracted = walkFiles(dir).filter((f) => f.startsWith('fs/'));
  expect(extracted.sort()).toEqual([...byMember.keys()].sort());
  for (const member of extracted) {
    const file = path.join(dir, member);
    const entry = byMember.get(member)!;
    expect(statSync(file).size, member).toBe(entry.size);
    expect(await sha256File(file), member).toBe(entry.sha256);
    const source = fixture.get(fixturePathOf(member));
    expect(source, `${member} is not a fixture file`).toBeDefined();
    expect(readFileSync(file).equals(source!.bytes), member).toBe(true);
    expect(Math.round(statSync(file).mtimeMs / 1000), member).toBe(Math.round(source!.mtime.getTime() / 1000));
  }
  return archived;
}
