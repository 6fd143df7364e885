// Azure Instance Metadata Service client: VM identity, the signed attested document and managed-identity tokens (plain HTTP to a link-local or loopback address only).
import { randomInt } from 'node:crypto';

export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';

export interface VmIdentity {
  reachable: true;
  vmId: string | null;
  resourceId: string | null;
  subscriptionId: string | null;
  resourceGroupName: string | null;
  name: string | null;
  location: string | null;
  osType: string | null;
  vmSize: string | null;
  tags: { name: string; value: string }[];
  /** PKCS#7 signature over vmId, subscription, nonce and times, signed by Azure. */
  attested: { nonce: string; signature: string | null; error?: string };
}

export type ImdsResult = VmIdentity | { reachable: false; error: string };

export class ImdsClient {
  private readonly endpoint: string;
  private readonly timeoutMs: number;

  constructor(endpoint = DEFAULT_IMDS_ENDPOINT, timeoutMs = 2000) {
    const u = new URL(endpoint);
    if (u.protocol !== 'http:' || !/^(169\.254\.169\.254|127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname)) {
      throw new Error(`IMDS endpoint must be http to 169.254.169.254 or loopback, got ${u.protocol}//${u.host}`);
    }
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
  }

  /** GET a JSON document; IMDS requires the Metadata header and must not go through a proxy (fetch uses none). */
  private async getJson(pathAndQuery: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.endpoint}${pathAndQuery}`, { headers: { Metadata: 'true' }, signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`IMDS ${pathAndQuery.split('?')[0]} answered HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }

  async vmIdentity(): Promise<ImdsResult> {
    let compute: Record<string, unknown>;
    try {
      compute = await this.getJson('/metadata/instance/compute?api-version=2021-02-01');
    } catch (err) {
      return { reachable: false, error: (err as Error).message };
    }
    const str = (k: string) => (typeof compute[k] === 'string' ? (compute[k] as string) : null);
    const nonce = String(randomInt(1_000_000_000, 9_999_999_999));
    let attested: VmIdentity['attested'] = { nonce, signature: null };
    try {
      const doc = await this.getJson(`/metadata/attested/document?api-version=2020-09-01&nonce=${nonce}`);
      attested = { nonce, signature: typeof doc.signature === 'string' ? doc.signature : null };
    } catch (err) {
      attested = { nonce, signature: null, error: (err as Error).message };
    }
    return {
      reachable: true,
      vmId: str('vmId'), resourceId: str('resourceId'), subscriptionId: str('subscriptionId'),
      resourceGroupName: str('resourceGroupName'), name: str('name'), location: str('location'),
      osType: str('osType'), vmSize: str('vmSize'),
      tags: Array.isArray(compute.tagsList) ? (compute.tagsList as { name: string; value: string }[]) : [],
      attested,
    };
  }

  /** An OAuth token for `resource` from the VM's managed identity (`clientId` picks a user-assigned one). */
  async managedIdentityToken(resource: string, clientId?: string): Promise<{ token: string; expiresOnTimestamp: number }> {
    const q = new URLSearchParams({ 'api-version': '2018-02-01', resource });
    if (clientId) q.set('client_id', clientId);
    const body = await this.getJson(`/metadata/identity/oauth2/token?${q.toString()}`);
    if (typeof body.access_token !== 'string') throw new Error('IMDS token response has no access_token');
    return { token: body.access_token, expiresOnTimestamp: Number(body.expires_on ?? 0) * 1000 || Date.now() + 3600_000 };
  }
}
