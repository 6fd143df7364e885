// Loads the upload credential (SAS from env, file, stdin or URL; managed identity; dev connection string), registers it for redaction and builds the ContainerClient.
import { readFile } from 'node:fs/promises';
import { ContainerClient, StorageSharedKeyCredential, AnonymousCredential, type StoragePipelineOptions } from '@azure/storage-blob';
import { UsageError } from '../../errors.ts';
import type { ImdsClient } from '../../imds/imds-client.ts';
import { registerSecret } from '../../redact.ts';
import { TOOL_NAME, TOOL_VERSION } from '../../tool-facts.ts';
import { ManagedIdentityCredential } from './managed-identity-credential.ts';

export interface CredentialArgs {
  sasEnv: string;
  sasFile?: string;
  sasStdin: boolean;
  /** `true` for the system-assigned identity, a string for a user-assigned identity's client id. */
  managedIdentity?: string | boolean;
  connectionStringEnv?: string;
}

export interface LoadedCredential {
  /** sas-env, sas-file, sas-stdin, sas-in-url, managed-identity, connection-string */
  kind: string;
  client: ContainerClient;
  warnings: string[];
}

/** SAS permissions the upload never needs: read, list, delete, delete-version, permanent delete. */
const EXCESS_PERMISSIONS: Record<string, string> = { r: 'read', l: 'list', d: 'delete', x: 'delete-version', y: 'permanent-delete' };

export function sasWarnings(sas: string): string[] {
  const params = new URLSearchParams(sas.replace(/^\?/, ''));
  if (!params.get('sig')) throw new UsageError('the SAS token has no sig= parameter', 'give the token part of a SAS URL (sv=...&sp=...&sig=...)');
  const sp = params.get('sp') ?? '';
  const warnings: string[] = [];
  const excess = [...sp].filter((p) => EXCESS_PERMISSIONS[p]).map((p) => EXCESS_PERMISSIONS[p]);
  if (excess.length) warnings.push(`the SAS grants ${excess.join(', ')}: the upload needs only create+write (sp=cw); a leaked token with these permissions can read or destroy evidence`);
  if (sp && !sp.includes('w')) warnings.push(`the SAS permissions "${sp}" lack write (w): staging blocks will be refused`);
  const se = params.get('se');
  if (se && Date.parse(se) - Date.now() > 7 * 86400_000) warnings.push('the SAS is valid for more than 7 days: prefer a short expiry');
  return warnings;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const pipelineOptions: StoragePipelineOptions = {
  // Retries are ours (per block, with logging); the SDK's own would multiply them.
  retryOptions: { maxTries: 1 },
  userAgentOptions: { userAgentPrefix: `${TOOL_NAME}/${TOOL_VERSION}` },
};

export async function loadCredential(args: CredentialArgs, containerUrl: string, inlineSas: string | null, imds: ImdsClient): Promise<LoadedCredential> {
  const chosen = [args.sasFile !== undefined, args.sasStdin, args.managedIdentity !== undefined && args.managedIdentity !== false, args.connectionStringEnv !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose one credential: --sas-file, --sas-stdin, --managed-identity or --connection-string-env');

  if (args.connectionStringEnv !== undefined) {
    const cs = process.env[args.connectionStringEnv];
    if (!cs) throw new UsageError(`environment variable ${args.connectionStringEnv} (--connection-string-env) is empty`);
    registerSecret(cs);
    const fields = Object.fromEntries(cs.split(';').filter(Boolean).map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i), kv.slice(i + 1)]; }));
    if (!fields.AccountName || !fields.AccountKey) throw new UsageError('the connection string lacks AccountName or AccountKey');
    registerSecret(fields.AccountKey);
    return { kind: 'connection-string', client: new ContainerClient(containerUrl, new StorageSharedKeyCredential(fields.AccountName, fields.AccountKey), pipelineOptions), warnings: ['a connection string carries the account key: use it only for development and Azurite'] };
  }

  if (args.managedIdentity !== undefined && args.managedIdentity !== false) {
    if (!containerUrl.startsWith('https:')) throw new UsageError('a managed identity token is only ever sent over https', 'use the https:// container URL');
    const clientId = typeof args.managedIdentity === 'string' && args.managedIdentity !== '' ? args.managedIdentity : undefined;
    return { kind: 'managed-identity', client: new ContainerClient(containerUrl, new ManagedIdentityCredential(imds, clientId), pipelineOptions), warnings: [] };
  }

  let sas: string | undefined;
  let kind: string;
  if (args.sasFile !== undefined) {
    sas = (await readFile(args.sasFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read --sas-file ${args.sasFile}: ${err.code}`, 'give a readable file holding the SAS token');
    })).trim();
    kind = 'sas-file';
  } else if (args.sasStdin) {
    sas = (await readStdin()).trim();
    kind = 'sas-stdin';
  } else if (process.env[args.sasEnv]) {
    sas = process.env[args.sasEnv]!.trim();
    kind = 'sas-env';
  } else if (inlineSas) {
    sas = inlineSas;
    kind = 'sas-in-url';
  } else {
    throw new UsageError(`no credential: ${args.sasEnv} is not set`, `set ${args.sasEnv} to a create+write SAS token, or use --sas-file, --sas-stdin or --managed-identity`);
  }
  sas = sas.replace(/^\?/, '');
  registerSecret(sas);
  const sig = new URLSearchParams(sas).get('sig');
  registerSecret(sig);
  const warnings = sasWarnings(sas);
  if (kind === 'sas-in-url') warnings.unshift('the SAS was given inside --container-url: it is visible in process listings; pass it in an environment variable, a file or stdin instead');
  return { kind, client: new ContainerClient(`${containerUrl}?${sas}`, new AnonymousCredential(), pipelineOptions), warnings };
}
