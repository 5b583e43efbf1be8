/**
 * The one redaction function every log line and every error message passes through.
 * It errs on the side of hiding: anything shaped like a JWT, a bearer value, a token-bearing
 * field or query parameter, or the password of a URL's userinfo is replaced, whatever the context:
 *  - JWT/JWE-shaped values and `Bearer`/`Basic` credentials;
 *  - `scheme://user:password@host` in any scheme: the password (the user and host stay), also
 *    when the userinfo is percent-encoded and when the whole URL is percent-encoded into another;
 *  - `key=value` for a secret key (below, or any key ending in token/secret/password/passwd)
 *    after any non-word character (query, form, fragment, `--flag=`, quoted, prose), also as
 *    `key%3Dvalue` inside an encoded URL;
 *    The value may be quoted (`client_secret="…"`, `--password='…'`), and `=` may have spaces
 *    around it (`code_verifier = v`);
 *  - `"key": "value"`, `'key': 'value'`, `\"key\": \"value\"` (JSON inside a JSON string)
 *    and `"key": 123` and `"key": ["…"]` for the same keys;
 *  - `key: value` with the key unquoted: Node's util.inspect output (`{ refresh_token: '…' }`, also
 *    inside an error message), YAML-ish and prose (`refresh_token: v`), a quoted or bare value or
 *    a list of them;
 *  - `Cookie:` and `Set-Cookie:` header lines: everything after the colon to the end of the line;
 *  - `Bearer`/`Basic` credentials percent- or form-encoded (`Bearer%20…`, `Bearer+…`).
 * Harmless text stays as it is: a key only matches whole (`zipcode=`, `error_code=`,
 * `token_type=` are kept), a URL without a password keeps its userinfo (`ssh://git@host`).
 * redact(redact(x)) === redact(x), and mayNeedRedaction() is true for every text it changes.
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
  // AWS credentials (identity pool answers, SDK objects): AccessKeyId, SecretKey, SessionToken.
  'AccessKeyId',
  'SecretKey',
  'secretAccessKey',
];
const SECRET_KEY_SET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
/** Keys named for what they hold, whatever their prefix: aws_session_token, db_password, x_client_secret. */
const SECRET_SUFFIX = /(?:token|secret|password|passwd)$/i;

const keyAlternation = SECRET_KEYS.map((k) => k.replace(/[-]/g, '\\-')).join('|');
// A secret key, whole: one of the list, or any name ending in a secret word (lazy, so the shortest
// name that ends there; the caller's boundary check makes it start at a name's start).
const KEY = `(?:${keyAlternation}|[A-Za-z0-9_-]*?(?:token|secret|password|passwd))`;
// Where a name starts: not after a letter, digit or underscore; or right after an encoded
// separator (%3F ?, %26 &, %23 #, %20 space, %22 ", %2C ,, %3B ;).
const KEY_START = `(?:(?<![A-Za-z0-9_])|(?<=%(?:3F|26|23|20|22|2C|3B)))`;
// A value ends at a separator of the usual contexts; in an encoded URL also at %26 (&).
const VALUE = `(?:(?!%26)[^&\\s"';,])*`;
// A value in quotes runs to its closing quote (spaces included), not to the first separator.
const QUOTED_VALUE = `(?:"(?:[^"\\\\\\r\\n]|\\\\.)*"|'(?:[^'\\\\\\r\\n]|\\\\.)*')`;
const JSON_STRING = `"(?:[^"\\\\]|\\\\.)*"`;
const SINGLE_QUOTED = `'(?:[^'\\\\]|\\\\.)*'`;
// A JSON string inside a JSON string: \"...\" (inner quotes and backslashes escaped once more).
const ESCAPED_STRING = `\\\\"(?:[^"\\\\]|\\\\\\\\.|\\\\[^"\\\\])*?\\\\"`;
const JSON_SCALAR = `(?:${JSON_STRING}|-?\\d[\\d.eE+-]*|true|false|null)`;
const JSON_ARRAY = `\\[\\s*(?:${JSON_SCALAR}\\s*(?:,\\s*${JSON_SCALAR}\\s*)*)?\\]`;
// What util.inspect prints for a string: '…', "…" when it holds ', `…` when it holds both.
const INSPECT_STRING = `(?:${SINGLE_QUOTED}|${JSON_STRING}|\`(?:[^\`\\\\]|\\\\.)*\`)`;
const INSPECT_ITEM = `(?:${INSPECT_STRING}|-?\\d[\\d.eE+-]*)`;
// An unquoted `key: value`: our own mark first (so a second pass keeps it), a quoted string, a
// list of strings or numbers, or a bare word up to a separator.
const COLON_VALUE = `(?:\\[REDACTED\\]|${INSPECT_STRING}|\\[\\s*(?:${INSPECT_ITEM}\\s*(?:,\\s*${INSPECT_ITEM}\\s*)*)?\\]|[^\\s,;'"\`{}()\\[\\]]+)`;

const PATTERNS: Array<[RegExp, string]> = [
  // AWS access key ids (long-term AKIA, temporary ASIA), wherever they appear (a SigV4 Credential=).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  // JWT/JWE-shaped values: base64url header starting with {" (eyJ), then dot-separated segments.
  [/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,3}/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // The same, percent- or form-encoded: Bearer%20…, Bearer+… (a value may hold %2B %2F %3D);
  // after %20 too, where no word boundary is.
  [/(?<![A-Za-z])(Bearer|Basic)(%20|\+)(?:[A-Za-z0-9._~/=-]|%(?!26|20)[0-9A-Fa-f]{2})+/gi, `$1$2${REDACTED}`],
  // scheme://user:password@host: the password runs to the authority's last @ (a human-written
  // password may hold an unencoded @ or :); the authority ends at / ? # or whitespace.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:[\]]*):[^\s/?#]*@/gi, `$1:${REDACTED}@`],
  // The same URL percent-encoded into another one: scheme%3A%2F%2Fuser%3Apassword%40host.
  [
    /\b([a-z](?:[a-z0-9.-]|%2B)*%3A%2F%2F(?:[^\s%&/?#@:]|%(?!3A|40|2F)[0-9A-F]{2})*)%3A(?:[^\s%&/?#]|%(?!2F|3F|23|26)[0-9A-F]{2})*%40/gi,
    `$1%3A${REDACTED}%40`,
  ],
  // key=value in query strings, form bodies, fragments, flags and prose; key%3Dvalue when encoded.
  // The value may be quoted; `=` may have spaces around it.
  [
    new RegExp(`${KEY_START}(${KEY})([ \\t]*(?:=|%3D)[ \\t]*)(?:${QUOTED_VALUE}|${VALUE})`, 'gi'),
    `$1$2${REDACTED}`,
  ],
  // Cookie: / Set-Cookie: header lines: the rest of the line (several pairs, attributes).
  [
    new RegExp(`${KEY_START}(set-cookie|cookie)([ \\t]*:[ \\t]*)(?![ \\t'"\`\\[])[^\\r\\n]*[^\\s]`, 'gi'),
    `$1$2${REDACTED}`,
  ],
  // key: value with the key unquoted (util.inspect, YAML-ish, prose).
  // (Not a Bearer/Basic credential: the pattern above already hid its value and keeps the word.)
  [
    new RegExp(
      `${KEY_START}(${KEY})([ \\t]*:[ \\t]*)(?!(?:Bearer|Basic)(?:\\s|%20|\\+))${COLON_VALUE}`,
      'gi',
    ),
    `$1$2${REDACTED}`,
  ],
  // "key": "value", "key": 123 and "key": [...] in JSON text, 'key': 'value' in a printed object.
  [
    new RegExp(`("${KEY}"\\s*:\\s*)(?:${JSON_STRING}|${JSON_ARRAY}|-?\\d[\\d.eE+-]*)`, 'gi'),
    `$1"${REDACTED}"`,
  ],
  [new RegExp(`('${KEY}'\\s*:\\s*)${SINGLE_QUOTED}`, 'gi'), `$1'${REDACTED}'`],
  // {\"key\":\"value\"}: JSON that was itself put into a JSON string.
  [new RegExp(`(\\\\"${KEY}\\\\"\\s*:\\s*)${ESCAPED_STRING}`, 'gi'), `$1\\"${REDACTED}\\"`],
];

// Every pattern above needs one of these; a text without any is left as it is (a fast path for
// callers such as the response-header filter).
const MAY_NEED_REDACTION = new RegExp(`eyJ|bearer|basic|AKIA|ASIA|=|%3D|%40|@|["']\\s*:|${KEY}[ \\t]*:`, 'i');

/** False only for texts redact() leaves unchanged (test/shared/redact.test.ts holds this). */
export function mayNeedRedaction(text: string): boolean {
  return MAY_NEED_REDACTION.test(text);
}

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
    // A listed key hides whatever it holds; a key merely ending in a secret word hides a string
    // (so a flag such as hasRefreshToken: true stays readable).
    const secret =
      SECRET_KEY_SET.has(key.toLowerCase()) ||
      ((typeof v === 'string' || Array.isArray(v)) && SECRET_SUFFIX.test(key));
    out[key] = secret ? REDACTED : redactValue(v, depth + 1);
  }
  return out;
}

export { REDACTED };
