// Options for an Azure Blob destination and its credential, shared by collect and watch.
import { DEFAULT_IMDS_ENDPOINT } from '../imds/imds-client.ts';

export const containerOptions = {
  'container-url': { type: 'string', nargs: 1, describe: 'Azure Blob container https://<account>.blob.core.windows.net/<container>: tiered archives stream straight into it', group: 'Destination (choose one):' },
  'sas-env': { type: 'string', default: 'CSE_PRESERVE_SAS', describe: 'Environment variable holding a create+write SAS token', group: 'Azure credential:' },
  'sas-file': { type: 'string', describe: 'File holding the SAS token', group: 'Azure credential:' },
  'sas-stdin': { type: 'boolean', default: false, describe: 'Read the SAS token from standard input', group: 'Azure credential:' },
  'managed-identity': { type: 'string', describe: "Use the VM's managed identity (optionally a user-assigned identity's client id)", group: 'Azure credential:' },
  'connection-string-env': { type: 'string', describe: 'Environment variable holding a storage connection string (development, Azurite)', group: 'Azure credential:' },
  prefix: { type: 'string', default: 'cse-preserve', describe: 'Blob name prefix: <prefix>/<host>/<time>-<id>/<archive>', group: 'Azure upload:' },
  'fallback-dir': { type: 'string', describe: 'Where archives go if the upload fails (default: the resource disk /mnt/resource or /mnt when separate from the evidence, else the temp dir)', group: 'Azure upload:' },
  'block-size-mib': { type: 'number', default: 4, describe: 'Block size; with 50,000 blocks per blob, 4 MiB allows ~195 GiB (memory ~ block size x (concurrency + 1))', group: 'Azure upload:' },
  concurrency: { type: 'number', default: 4, describe: 'Blocks in flight (memory ~ block size x (concurrency + 1))', group: 'Azure upload:' },
  'upload-retries': { type: 'number', default: 8, describe: 'Attempts per block/commit on 5xx, 408, 429, resets and timeouts', group: 'Azure upload:' },
  'upload-attempt-timeout': { type: 'number', default: 120, describe: 'Seconds before a stalled request is abandoned and retried', group: 'Azure upload:' },
  'imds-endpoint': { type: 'string', default: DEFAULT_IMDS_ENDPOINT, describe: 'IMDS base URL (managed identity and VM identity; tests use a loopback fake)' },
} as const;
