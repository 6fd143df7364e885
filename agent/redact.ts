// Removes secrets from any text leaving the process: SAS signatures, account keys, and registered secret values.
const registered = new Set<string>();

/** Registers a secret value (a SAS token, a key) so that every later redact() call removes it wherever it appears. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) {
    registered.add(value);
    try { const decoded = decodeURIComponent(value); if (decoded !== value) registered.add(decoded); } catch { /* not URI-encoded */ }
    registered.add(encodeURIComponent(value));
  }
}

const PATTERNS: [RegExp, string][] = [
  [/([?&;\s"']sig=)[^&\s"';]+/gi, '$1REDACTED'],
  [/(AccountKey=)[^;\s"']+/gi, '$1REDACTED'],
  [/(SharedAccessSignature=)[^;\s"']+/gi, '$1REDACTED'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1REDACTED'],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of registered) out = out.split(secret).join('REDACTED');
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}
