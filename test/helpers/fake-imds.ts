// A loopback stand-in for Azure IMDS: instance compute metadata, an attested document and managed-identity tokens; it insists on the Metadata header as IMDS does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_VM_ID = '3f1c2a4e-9b7d-4c1e-8f2a-6d5e4c3b2a19';

export async function startFakeImds(): Promise<{ endpoint: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.headers.metadata !== 'true') { res.writeHead(400); res.end('{"error":"Bad request. Required metadata header not specified"}'); return; }
    const url = new URL(req.url ?? '/', 'http://imds');
    const json = (body: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (url.pathname === '/metadata/instance/compute') {
      json({
        vmId: FAKE_VM_ID, name: 'demo-vm-01', location: 'westeurope', osType: 'Linux', vmSize: 'Standard_D2s_v5',
        subscriptionId: '00000000-1111-2222-3333-444444444444', resourceGroupName: 'rg-demo',
        resourceId: '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/demo-vm-01',
        tagsList: [{ name: 'env', value: 'demo' }],
      });
    } else if (url.pathname === '/metadata/attested/document') {
      json({ encoding: 'pkcs7', signature: Buffer.from(`attested:${FAKE_VM_ID}:${url.searchParams.get('nonce')}`).toString('base64') });
    } else if (url.pathname === '/metadata/identity/oauth2/token') {
      json({ access_token: 'fake-managed-identity-token-0123456789', expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: url.searchParams.get('resource') });
    } else {
      res.writeHead(404); res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
