import { AppError } from '../../shared/errors';
import { mayNeedRedaction, redact } from '../../shared/redact';

/**
 * Request headers the renderer may set, and response headers it may see. Credentials and
 * routing headers belong to main: a renderer-chosen Authorization, Cookie or Host (or a
 * hop-by-hop header that changes how the connection is framed) is refused outright, not
 * silently dropped, so a bug shows up as a clear error.
 */
const REQUEST_ALLOWED = new Set([
  'accept',
  'accept-language',
  'content-type',
  'if-none-match',
  'if-match',
  'if-modified-since',
  'if-unmodified-since',
  'cache-control',
]);

// X- headers that proxies and frameworks treat as routing or identity.
const REQUEST_REFUSED_X = [
  /^x-forwarded-/,
  /^x-real-ip$/,
  /^x-(http-)?method(-override)?$/,
  /^x-original-(url|host)$/,
  /^x-rewrite-url$/,
  /^x-amz-security-token$/,
];

const TOKEN_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const SAFE_VALUE = /^[\x20-\x7e\t]*$/;

export function checkRequestHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  // Object.keys, not Object.entries: no [name, value] pair allocated per header, per request.
  for (const name of Object.keys(headers)) {
    const value = headers[name] as string;
    const lower = name.toLowerCase();
    if (!TOKEN_NAME.test(name)) {
      throw new AppError('HEADER_NOT_ALLOWED', 'A request header has an invalid name.');
    }
    const allowed =
      REQUEST_ALLOWED.has(lower) ||
      (lower.startsWith('x-') && lower.length > 2 && !REQUEST_REFUSED_X.some((re) => re.test(lower)));
    if (!allowed) {
      throw new AppError(
        'HEADER_NOT_ALLOWED',
        `The header "${lower.slice(0, 64)}" may not be set by the app window.`,
      );
    }
    if (!SAFE_VALUE.test(value)) {
      throw new AppError(
        'HEADER_NOT_ALLOWED',
        `The header "${lower}" has a value with control or non-ASCII characters.`,
      );
    }
    if (lower in out) throw new AppError('HEADER_NOT_ALLOWED', `The header "${lower}" is given twice.`);
    out[lower] = value;
  }
  return out;
}

// Allowed response headers; `true` where the value is a date, number or media type that cannot
// carry a credential, so the redaction pass is skipped.
const RESPONSE_ALLOWED = new Map<string, boolean>([
  ['content-type', true],
  ['content-length', true],
  ['content-language', true],
  ['etag', false],
  ['last-modified', true],
  ['cache-control', true],
  ['expires', true],
  ['date', true],
  ['location', false],
  ['retry-after', true],
  ['www-authenticate', false],
  ['vary', true],
  ['allow', true],
]);
const RESPONSE_SECRET_HINT = /token|auth|cookie|secret|session|key|signature|credential/;
// The cheap pre-check lives beside redact() and is held against it there
// (test/shared/redact.test.ts); a copy of its own here once missed URL userinfo ("@").
export { mayNeedRedaction } from '../../shared/redact';

/** Response headers the UI may show: a fixed list plus X- headers with harmless names, values redacted. */
export function filterResponseHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const raw = headers[name];
    const lower = name.toLowerCase();
    const plain = RESPONSE_ALLOWED.get(lower);
    if (plain === undefined && !(lower.startsWith('x-') && !RESPONSE_SECRET_HINT.test(lower))) continue;
    if (raw === undefined || raw === null) continue;
    const value = Array.isArray(raw) ? raw.map(String).join(', ') : String(raw);
    out[lower] = (plain !== true && mayNeedRedaction(value) ? redact(value) : value).slice(0, 1000);
  }
  return out;
}
