// Secrets never reach logs or messages (DESIGN.md rule 3). Two nets: known secret values registered at run time
// (tokens and keys the vault decrypted), and patterns for secrets we did not register (Authorization headers,
// AccessKey secrets in query strings, OSS signatures).

const registered = new Set<string>();

/** Registers a secret value so that every later redact() masks it. Short values are ignored: they would mask noise. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) registered.add(value);
}

export function forgetSecret(value: string): void {
  registered.delete(value);
}

const PATTERNS: [RegExp, string][] = [
  [/(authorization["']?\s*[:=]\s*["']?)(?:Bearer\s+|OSS4?-?[A-Z0-9-]*\s+)?[^\s"',}]+/gi, '$1[redacted]'],
  [
    /((?:access_?key_?secret|accessKeySecret|secret|token|password|security[-_]token|signature)["']?\s*[:=]\s*["']?)[^\s"',}&]+/gi,
    '$1[redacted]',
  ],
  [/([?&](?:token|secret|signature|x-oss-signature|security-token)=)[^&\s"']+/gi, '$1[redacted]'],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A masked hint of a secret for display: the last four characters only. */
export function maskSecret(secret: string): string {
  return secret.length <= 4 ? '••••' : `••••${secret.slice(-4)}`;
}
