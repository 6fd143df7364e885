// Checks a container URL: https, or plain http only to a loopback address; splits off a SAS given inside it.
import { UsageError } from '../../errors.ts';

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

export interface ContainerLocation {
  /** scheme://host/path without query: safe to log and to record in the manifest. */
  url: string;
  /** A SAS that was inside the URL's query, if any (the caller warns: it leaks into process listings). */
  inlineSas: string | null;
}

export function parseContainerUrl(raw: string): ContainerLocation {
  let u: URL;
  try { u = new URL(raw); } catch {
    throw new UsageError('--container-url is not a URL', 'give https://<account>.blob.core.windows.net/<container>');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) {
    throw new UsageError(`--container-url must use https (plain http is accepted only to a loopback address), got ${u.protocol}//${u.host}`, 'use the https:// endpoint of the storage account');
  }
  const path = u.pathname.replace(/\/+$/, '');
  if (path.split('/').filter(Boolean).length < 1) {
    throw new UsageError('--container-url names no container', 'give https://<account>.blob.core.windows.net/<container>');
  }
  const inlineSas = u.search.length > 1 ? u.search.slice(1) : null;
  return { url: `${u.protocol}//${u.host}${path}`, inlineSas };
}
