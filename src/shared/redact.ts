/**
 * The one redaction function every log line and every error message passes through.
 * It errs on the side of hiding: anything shaped like a JWT, a bearer value, or a
 * token-bearing field or query parameter is replaced, whatever the context.
 */
const REDACTED = '[REDACTED]';

const SECRET_KEYS = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'state',
  'nonce',
  'client_secret',
  'password',
  'token',
  'authorization',
  'cookie',
  'set-cookie',
  'accessToken',
  'refreshToken',
  'idToken',
  'codeVerifier',
  'clientSecret',
];
const SECRET_KEY_SET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));

const keyAlternation = SECRET_KEYS.map((k) => k.replace(/[-]/g, '\\-')).join('|');

const PATTERNS: Array<[RegExp, string]> = [
  // JWT/JWE-shaped values: base64url header starting with {" (eyJ), then dot-separated segments.
  [/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,3}/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // key=value in query strings and form bodies
  [new RegExp(`([?&;\\s]|^)(${keyAlternation})=[^&\\s"';,]*`, 'gi'), `$1$2=${REDACTED}`],
  // "key": "value" in JSON text
  [new RegExp(`("(?:${keyAlternation})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy of a value for logging, with secret fields and secret-shaped strings replaced. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { name: value.name, message: redact(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY_SET.has(key.toLowerCase()) ? REDACTED : redactValue(v, depth + 1);
  }
  return out;
}

export { REDACTED };
