import type { ApiResponse } from '../../shared/ipc-contract';

/**
 * Turns the raw bytes of a response into what crosses IPC: JSON parsed in main (the renderer
 * never runs a parser on untrusted bytes it did not ask for), text as text, anything else as
 * base64 (the size cap applied to the raw bytes before this point).
 */
type Body = ApiResponse['body'];

function mediaType(contentType: string): { type: string; charset: string } {
  // The common answers, without splitting and regex work.
  if (contentType === 'application/json' || /^application\/json;\s*charset=utf-8$/i.test(contentType)) {
    return { type: 'application/json', charset: 'utf-8' };
  }
  const [type = '', ...params] = contentType.split(';').map((part) => part.trim());
  const charset = params
    .map((p) => /^charset\s*=\s*"?([^";]+)"?$/i.exec(p)?.[1])
    .find((c): c is string => c !== undefined);
  return { type: type.toLowerCase(), charset: (charset ?? 'utf-8').toLowerCase() };
}

function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function isTextType(type: string): boolean {
  return (
    type.startsWith('text/') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/problem+xml'
  );
}

function decode(bytes: Uint8Array, charset: string): string {
  if (charset === 'utf-8' || charset === 'utf8') {
    // The transport hands over a Buffer: decode it as it is (a new view costs more than the decode
    // of a small body).
    if (Buffer.isBuffer(bytes)) return bytes.toString('utf8');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export function shapeBody(bytes: Uint8Array, contentType: string | undefined, method: string): Body {
  if (method === 'HEAD' || bytes.byteLength === 0) return { kind: 'empty' };
  const { type, charset } = mediaType(contentType ?? '');
  if (isJsonType(type)) {
    const text = decode(bytes, charset);
    try {
      return { kind: 'json', value: JSON.parse(text) as unknown };
    } catch {
      // Declared JSON but is not: show the text so the user sees what the API really sent.
      return { kind: 'text', value: text };
    }
  }
  if (isTextType(type)) return { kind: 'text', value: decode(bytes, charset) };
  if (type === '') {
    // No content type: text when it is valid UTF-8 without NULs, bytes otherwise.
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      if (!text.includes('\0')) return { kind: 'text', value: text };
    } catch {
      // not UTF-8: fall through to binary
    }
  }
  return {
    kind: 'binary',
    contentType: (type || 'application/octet-stream').slice(0, 200),
    base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}
