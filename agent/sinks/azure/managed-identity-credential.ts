// A TokenCredential backed by the VM's managed identity through IMDS (shares --imds-endpoint with the VM identity query, so tests can point it at a fake IMDS).
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { ImdsClient } from '../../imds/imds-client.ts';
import { registerSecret } from '../../redact.ts';

export class ManagedIdentityCredential implements TokenCredential {
  private readonly imds: ImdsClient;
  private readonly clientId?: string;
  private cached: AccessToken | null = null;

  constructor(imds: ImdsClient, clientId?: string) {
    this.imds = imds;
    this.clientId = clientId;
  }

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    if (this.cached && this.cached.expiresOnTimestamp - Date.now() > 5 * 60_000) return this.cached;
    const scope = Array.isArray(scopes) ? scopes[0]! : scopes;
    const resource = scope.replace(/\/\.default$/, '/');
    const { token, expiresOnTimestamp } = await this.imds.managedIdentityToken(resource, this.clientId);
    registerSecret(token);
    this.cached = { token, expiresOnTimestamp };
    return this.cached;
  }
}
