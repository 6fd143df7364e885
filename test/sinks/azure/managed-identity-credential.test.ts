// The managed-identity credential gets its token from IMDS (a loopback fake here), caches it, and registers it so it never appears in any output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImdsClient } from '../../../agent/imds/imds-client.ts';
import { redact } from '../../../agent/redact.ts';
import { ManagedIdentityCredential } from '../../../agent/sinks/azure/managed-identity-credential.ts';
import { startFakeImds } from '../../helpers/fake-imds.ts';

let imds: Awaited<ReturnType<typeof startFakeImds>>;
beforeAll(async () => { imds = await startFakeImds(); });
afterAll(async () => { await imds.close(); });

describe('ManagedIdentityCredential', () => {
  it('asks IMDS for a storage token with the Metadata header and the client id, once', async () => {
    const cred = new ManagedIdentityCredential(new ImdsClient(imds.endpoint), '11111111-2222-3333-4444-555555555555');
    const a = await cred.getToken('https://storage.azure.com/.default');
    const b = await cred.getToken('https://storage.azure.com/.default');
    expect(a.token).toBe('fake-managed-identity-token-0123456789');
    expect(b).toBe(a);
    const tokenRequests = imds.requests.filter((r) => r.startsWith('/metadata/identity/oauth2/token'));
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toContain('resource=https%3A%2F%2Fstorage.azure.com%2F');
    expect(tokenRequests[0]).toContain('client_id=11111111-2222-3333-4444-555555555555');
    expect(redact(`Authorization: Bearer ${a.token} and ${a.token}`)).not.toContain(a.token);
  });

  it('refuses an IMDS endpoint that is not link-local or loopback', () => {
    expect(() => new ImdsClient('http://10.0.0.5')).toThrow(/169.254.169.254 or loopback/);
    expect(() => new ImdsClient('https://169.254.169.254')).toThrow();
  });
});
