// Downloads every blob of a run folder with the account key (an analyst's read access), into a local directory.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { serviceClient } from './azurite.ts';

export async function downloadRun(endpoint: string, containerName: string, folder: string, into: string): Promise<Map<string, { file: string; metadata: Record<string, string> }>> {
  const container = serviceClient(endpoint).getContainerClient(containerName);
  const out = new Map<string, { file: string; metadata: Record<string, string> }>();
  await mkdir(into, { recursive: true });
  for await (const item of container.listBlobsFlat({ prefix: `${folder}/`, includeMetadata: true })) {
    const name = item.name.slice(folder.length + 1);
    const file = path.join(into, name);
    await container.getBlobClient(item.name).downloadToFile(file);
    out.set(name, { file, metadata: item.metadata ?? {} });
  }
  return out;
}
