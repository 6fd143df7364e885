// Hashes one byte stream with several algorithms at once (SHA-256 always, MD5/SHA-1 on request).
import { createHash, type Hash } from 'node:crypto';

export type HashAlgorithm = 'sha256' | 'md5' | 'sha1';
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha256', 'md5', 'sha1'];

export class MultiHash {
  private readonly hashes: [HashAlgorithm, Hash][];

  constructor(algorithms: readonly HashAlgorithm[]) {
    const unique = new Set<HashAlgorithm>(['sha256', ...algorithms]);
    this.hashes = [...unique].map((a) => [a, createHash(a)]);
  }

  update(chunk: Buffer): void {
    for (const [, h] of this.hashes) h.update(chunk);
  }

  digest(): Partial<Record<HashAlgorithm, string>> & { sha256: string } {
    const out: Partial<Record<HashAlgorithm, string>> = {};
    for (const [a, h] of this.hashes) out[a] = h.digest('hex');
    return out as Partial<Record<HashAlgorithm, string>> & { sha256: string };
  }
}
