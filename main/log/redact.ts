// Secrets never reach logs or messages (DESIGN.md rule 3). Two nets: known secret values registered at run time
// (tokens and keys the vault decrypted), and patterns for secrets we did not register (Authorization headers,
// AccessKey secrets in query strings, OSS signatures).
//
// A registered secret is also masked in the forms a service or a library may echo it in: base64 and base64url
// (whole, or inside a longer encoded string), hex, URL and form encoding, and JSON string escaping. The forms are
// computed once, at registration, so redact() stays one regular-expression pass per line.

const registered = new Map<string, readonly string[]>();
let matcher: RegExp | null = null;

/** Registers a secret value so that every later redact() masks it. Short values are ignored: they would mask noise. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 6 || registered.has(value)) return;
  registered.set(value, encodedForms(value));
  matcher = null;
}

export function forgetSecret(value: string): void {
  if (registered.delete(value)) matcher = null;
}

/**
 * Base64 turns 3 bytes into 4 characters, so the characters a secret's bytes produce depend on where the secret
 * starts inside the encoded data: after 0, 1 or 2 bytes (mod 3). For each start, the characters whose 6 bits all
 * come from the secret are the same whatever surrounds it; the 1–2 characters at each edge that mix in a neighbour
 * byte are left out.
 */
function base64Fragments(bytes: Buffer): string[] {
  const fragments: string[] = [];
  for (let before = 0; before < 3; before++) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const first = Math.ceil((8 * before) / 6);
    const end = Math.floor((8 * (before + bytes.length)) / 6);
    fragments.push(encoded.slice(first, end));
  }
  return fragments;
}

const toBase64Url = (text: string): string => text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const lowerPercentEscapes = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());

function urlForms(text: string): string[] {
  const forms: string[] = [];
  for (const encode of [
    encodeURIComponent,
    encodeURI,
    (value: string) => new URLSearchParams({ v: value }).toString().slice(2),
  ]) {
    try {
      const encoded = encode(text);
      forms.push(encoded, lowerPercentEscapes(encoded));
    } catch {
      // A lone surrogate cannot be percent-encoded, so no service can echo it that way either.
    }
  }
  return forms;
}

function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  const fragments = base64Fragments(bytes);
  const hex = bytes.toString('hex');
  const forms = new Set<string>([
    secret,
    JSON.stringify(secret).slice(1, -1),
    ...urlForms(secret),
    hex,
    hex.toUpperCase(),
    base64,
    ...urlForms(base64),
    toBase64Url(base64),
    ...fragments,
    ...fragments.flatMap(urlForms),
    ...fragments.map(toBase64Url),
  ]);
  return [...forms].filter((form) => form.length >= 6);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function secretsMatcher(): RegExp | null {
  if (matcher === null && registered.size > 0) {
    // Longest first: a whole encoding is masked in one piece before a fragment of it could match.
    const forms = [...new Set([...registered.values()].flat())].sort((a, b) => b.length - a.length);
    matcher = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  }
  return matcher;
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
  const secrets = secretsMatcher();
  if (secrets) out = out.replace(secrets, '[redacted]');
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A masked hint of a secret for display: the last four characters only. */
export function maskSecret(secret: string): string {
  return secret.length <= 4 ? '••••' : `••••${secret.slice(-4)}`;
}
