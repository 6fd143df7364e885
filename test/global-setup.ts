// Starts one Azurite for the whole test run; tests reach it through the AZURITE_ENDPOINT environment variable.
import { startAzurite, type Azurite } from './helpers/azurite.ts';

let azurite: Azurite | undefined;

export async function setup(): Promise<void> {
  azurite = await startAzurite();
  process.env.AZURITE_ENDPOINT = azurite.endpoint;
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}
