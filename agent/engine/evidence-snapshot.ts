// Captures a small evidence file into memory the moment it is seen (a watcher's event), so a later truncation, rewrite or deletion cannot change what is archived.
import type { BigIntStats } from 'node:fs';
import { EvidenceFile, type OpenFailure, type OpenedEvidence, type ReadResult } from './evidence-file.ts';
import { MultiHash } from './multi-hash.ts';

const SLICE = 1024 * 1024;

export class EvidenceSnapshot implements OpenedEvidence {
  readonly stat: BigIntStats;
  readonly content: Buffer;
  readonly sha256: string;
  private readonly result: ReadResult;

  private constructor(stat: BigIntStats, content: Buffer, result: ReadResult, sha256: string) {
    this.stat = stat;
    this.content = content;
    this.result = result;
    this.sha256 = sha256;
  }

  get size(): number { return this.content.length; }

  /**
   * Opens and reads the whole file now. A file larger than `maxBytes` is returned still open (an EvidenceFile, whose data
   * survives an unlink while the handle is held) with its SHA-256 from this first read.
   */
  static async capture(hostPath: Buffer, listed: BigIntStats, maxBytes: number): Promise<{ evidence: OpenedEvidence; sha256: string } | OpenFailure> {
    const file = await EvidenceFile.open(hostPath, listed);
    if (!(file instanceof EvidenceFile)) return file;
    const hash = new MultiHash([]);
    if (file.size > maxBytes) {
      await file.pump(() => undefined, hash);
      return { evidence: file, sha256: hash.digest().sha256 };
    }
    const chunks: Buffer[] = [];
    try {
      const result = await file.pump((chunk) => { chunks.push(chunk); }, hash);
      const sha256 = hash.digest().sha256;
      return { evidence: new EvidenceSnapshot(file.stat, Buffer.concat(chunks), result, sha256), sha256 };
    } finally {
      await file.close();
    }
  }

  async pump(write: (chunk: Buffer) => Promise<void> | void, hash: MultiHash): Promise<ReadResult> {
    for (let at = 0; at < this.content.length; at += SLICE) {
      const chunk = this.content.subarray(at, at + SLICE);
      hash.update(chunk);
      await write(chunk);
    }
    return { ...this.result, notes: [...this.result.notes, 'captured by the watcher when it changed'] };
  }

  async close(): Promise<void> { /* nothing held */ }
}
