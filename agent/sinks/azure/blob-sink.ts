// Azure Blob sink: streams each archive into a new block blob (no local staging), commits it with If-None-Match: * so evidence is never overwritten, and reads back what the credential allows.
import type { ContainerClient } from '@azure/storage-blob';
import type { ArchiveDigest } from '../../engine/archive-writer.ts';
import type { ArchiveSink, SinkReceipt, SinkTarget } from '../sink.ts';
import { BlockUploader } from './block-uploader.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';

export interface BlobSinkOptions {
  container: ContainerClient;
  /** Container URL without query, for the manifest and the summary. */
  containerUrl: string;
  /** Folder inside the container for this run: `<prefix>/<host>/<time>-<id>`. */
  folder: string;
  blockSize: number;
  concurrency: number;
  retry?: RetryPolicy;
  /** Metadata set at creation (WORM containers forbid setting it later). Values are computed at commit time. */
  metadata: (name: string, digest: ArchiveDigest) => Record<string, string>;
  log: (message: string) => void;
}

export interface BlobReceipt extends SinkReceipt {
  blobName: string;
  blocks: number;
  /** What reading the blob back showed: verified, or why it could not be checked. */
  readback: 'verified' | 'not-permitted' | 'mismatch' | 'failed';
}

const contentTypeOf = (name: string): string => (name.endsWith('.gz') ? 'application/gzip' : name.endsWith('.tar') ? 'application/x-tar' : 'text/plain');

export class BlobSink implements ArchiveSink {
  readonly options: BlobSinkOptions;

  constructor(options: BlobSinkOptions) {
    this.options = options;
  }

  async open(name: string): Promise<SinkTarget> {
    const o = this.options;
    const retry = o.retry ?? DEFAULT_RETRY;
    const blobName = `${o.folder}/${name}`;
    const blob = o.container.getBlockBlobClient(blobName);
    const uploader = new BlockUploader(blob, {
      blockSize: o.blockSize, concurrency: o.concurrency, retry,
      onRetry: (what, error, delayMs) => o.log(`retrying ${blobName} ${what} in ${delayMs} ms: ${describe(error)}`),
    });
    const location = `${o.containerUrl}/${blobName}`;
    return {
      destination: location,
      stream: uploader,
      commit: async (digest): Promise<BlobReceipt> => {
        let attempts = 0;
        let lastAttemptFailedInFlight = false;
        try {
          await withRetry(async (abortSignal) => {
            attempts += 1;
            try {
              await blob.commitBlockList(uploader.blockIds, {
                conditions: { ifNoneMatch: '*' }, abortSignal,
                metadata: o.metadata(name, digest),
                blobHTTPHeaders: { blobContentType: contentTypeOf(name) },
              });
            } catch (err) {
              lastAttemptFailedInFlight = (err as { statusCode?: number }).statusCode === undefined;
              throw err;
            }
          }, retry, (r) => o.log(`retrying commit of ${blobName} in ${r.delayMs} ms: ${describe(r.error)}`));
        } catch (err) {
          // 409 after a commit whose answer was lost: our own earlier attempt most probably created the blob.
          const code = (err as { statusCode?: number }).statusCode;
          if (!(code === 409 && attempts > 1 && lastAttemptFailedInFlight)) throw err;
          o.log(`commit of ${blobName}: the blob exists after a commit attempt whose answer was lost; treating it as ours and checking it below`);
        }
        const readback = await this.readBack(blobName, digest, uploader.blockIds.length);
        o.log(`committed ${blobName}: ${digest.bytes} bytes in ${uploader.blockIds.length} blocks, sha256 ${digest.sha256}, readback ${readback}`);
        return { location, blobName, sha256: digest.sha256, bytes: digest.bytes, extras: [], blocks: uploader.blockIds.length, readback };
      },
      abort: async (reason) => {
        uploader.destroy(reason);
        o.log(`abandoned ${blobName}: ${describe(reason)}; its staged blocks are never committed and expire after 7 days`);
        return null;
      },
    };
  }

  /**
   * Compares size, sha256 metadata and the committed block count with what was sent. A create+write-only credential
   * cannot read, which is expected and reported as such.
   */
  private async readBack(blobName: string, digest: ArchiveDigest, blocks: number): Promise<BlobReceipt['readback']> {
    const blob = this.options.container.getBlockBlobClient(blobName);
    try {
      const p = await blob.getProperties();
      if (p.contentLength !== digest.bytes || p.metadata?.sha256 !== digest.sha256) return 'mismatch';
      const list = await blob.getBlockList('committed');
      return (list.committedBlocks?.length ?? 0) === blocks ? 'verified' : 'mismatch';
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      return code === 403 || code === 401 ? 'not-permitted' : 'failed';
    }
  }
}

export function describe(error: unknown): string {
  const e = error as { statusCode?: number; code?: string; message?: string };
  return [e.statusCode ? `HTTP ${e.statusCode}` : null, e.code ?? null, e.message?.split('\n')[0] ?? String(error)].filter(Boolean).join(' ');
}
