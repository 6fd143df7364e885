// Starts a real Azurite blob service on a free loopback port (disk-backed, no telemetry) and makes containers and SAS tokens on it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
/** Azurite's published development key (not a secret). */
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((r) => { const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); }); c.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Azurite did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export interface Azurite { port: number; endpoint: string; process: ChildProcess; location: string; stop(options?: { keepData?: boolean }): Promise<void> }

/** `location`: reuse an earlier instance's data (restart after a stop with keepData). */
export async function startAzurite(port?: number, existingLocation?: string): Promise<Azurite> {
  const p = port ?? (await freePort());
  const location = existingLocation ?? (await mkdtemp(path.join(os.tmpdir(), 'azurite-')));
  const main = path.resolve('node_modules/azurite/dist/src/blob/main.js');
  const child = spawn(process.execPath, [main, '--blobHost', '127.0.0.1', '--blobPort', String(p), '--location', location, '--silent', '--skipApiVersionCheck', '--disableTelemetry'], { stdio: 'ignore' });
  await waitForPort(p, 30_000);
  return {
    port: p, endpoint: `http://127.0.0.1:${p}/${AZURITE_ACCOUNT}`, process: child, location,
    stop: async (options = {}) => {
      if (child.exitCode === null) { child.kill(); await new Promise((r) => child.once('exit', r)); }
      if (!options.keepData) await rm(location, { recursive: true, force: true });
    },
  };
}

export function serviceClient(endpoint: string): BlobServiceClient {
  return new BlobServiceClient(endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
}

/** Creates a container and returns its URL and a SAS with the given permissions (default create+write only). */
export async function containerWithSas(endpoint: string, name: string, permissions = 'cw'): Promise<{ url: string; sas: string }> {
  const container = serviceClient(endpoint).getContainerClient(name);
  await container.createIfNotExists();
  const sas = generateBlobSASQueryParameters({
    containerName: name, permissions: ContainerSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3600_000),
  }, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY)).toString();
  return { url: `${endpoint}/${name}`, sas };
}
