// Opens the Azure destination for `collect --container-url`: checks the URL, loads the credential, and builds the blob sink and its local fallback. Loaded lazily so the Azure SDK costs nothing to other commands.
import os from 'node:os';
import path from 'node:path';
import { assertOutputOutsideEvidence } from '../../engine/output-guard.ts';
import { UsageError } from '../../errors.ts';
import { ImdsClient } from '../../imds/imds-client.ts';
import { loadCredential } from '../../sinks/azure/blob-credentials.ts';
import { BlobSink } from '../../sinks/azure/blob-sink.ts';
import { parseContainerUrl } from '../../sinks/azure/container-url.ts';
import { runFolder } from '../../sinks/azure/run-folder.ts';
import { DirectorySink } from '../../sinks/directory-sink.ts';
import { TOOL_VERSION } from '../../tool-facts.ts';
import type { CollectArgs, Common } from './collect.ts';

/** `folder` overrides the run folder (the watcher writes to <prefix>/<host>/watch). */
export async function openContainer(args: CollectArgs, c: Common, folderOverride?: string) {
  const location = parseContainerUrl(args.containerUrl!);
  if (!(args.blockSizeMib >= 1 && args.blockSizeMib <= 4000)) throw new UsageError('--block-size-mib must be between 1 and 4000');
  if (!(Number.isInteger(args.concurrency) && args.concurrency >= 1 && args.concurrency <= 64)) throw new UsageError('--concurrency must be a whole number from 1 to 64');
  if (!(Number.isInteger(args.uploadRetries) && args.uploadRetries >= 1)) throw new UsageError('--upload-retries must be a whole number of at least 1');
  const credential = await loadCredential(
    { sasEnv: args.sasEnv, sasFile: args.sasFile, sasStdin: args.sasStdin, managedIdentity: args.managedIdentity, connectionStringEnv: args.connectionStringEnv },
    location.url, location.inlineSas, new ImdsClient(args.imdsEndpoint),
  );
  for (const warning of credential.warnings) {
    c.io.stderr.write(`cse-preserve: warning: ${warning}\n`);
    c.log.warn(warning);
  }
  c.log.info(`destination ${location.url} (credential: ${credential.kind})`);

  const hostname = os.hostname();
  const folder = folderOverride ?? runFolder(args.prefix, hostname, new Date(c.started), c.runId).folder;
  const fallbackRoot = path.resolve(args.fallbackDir ?? c.platform.defaultFallbackDir?.(c.root) ?? os.tmpdir());
  const fallbackDir = path.join(fallbackRoot, 'cse-preserve-fallback', ...folder.split('/'));
  assertOutputOutsideEvidence(fallbackDir, c.platform, c.root);

  let vmId = 'unknown';
  void c.vmIdentity?.then((v) => { if (v.reachable && v.vmId) vmId = v.vmId; });
  const sink = new BlobSink({
    container: credential.client,
    containerUrl: location.url,
    folder,
    blockSize: Math.round(args.blockSizeMib * 1024 * 1024),
    concurrency: args.concurrency,
    retry: { attempts: args.uploadRetries, baseDelayMs: 400, maxDelayMs: 15_000, attemptTimeoutMs: args.uploadAttemptTimeout * 1000 },
    metadata: (name, digest) => ({
      sha256: digest.sha256, bytes: String(digest.bytes), archive: name, tool: 'cse-preserve', toolversion: TOOL_VERSION,
      hostname: hostname.replace(/[^\x20-\x7e]/g, '?'), vmid: vmId, runid: c.runId,
    }),
    log: (m) => c.log.info(m),
  });
  return { sink, fallback: new DirectorySink(fallbackDir), url: location.url, extras: { folder, credential: credential.kind } };
}
