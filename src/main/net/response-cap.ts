import { AppError } from '../../shared/errors';

export function responseTooLarge(host: string, maxBytes: number): AppError {
  return new AppError(
    'RESPONSE_TOO_LARGE',
    `${host} sent more than ${maxBytes} bytes; the response was discarded.`,
  );
}

export interface CapOptions {
  /**
   * false when the stack below already counts the bytes that arrive (the Node transport's
   * dispatcher does): then only a content-encoded body, whose decoded size is what matters,
   * gets the counting stream. A stream per response costs about as much as the request itself.
   */
  countsIdentity?: boolean;
}

/**
 * Bounds a response body: a declared Content-Length over the cap fails at once (one within it
 * already bounds the body); without one, the body stream errors with RESPONSE_TOO_LARGE as soon as more than `maxBytes` arrived, so a
 * hostile or broken server cannot make main buffer without limit. Status, headers and a null
 * body (204, 304, HEAD) pass through untouched.
 */
export function capResponse(
  response: Response,
  maxBytes: number,
  host: string,
  options: CapOptions = {},
): Response {
  const tooLarge = () => responseTooLarge(host, maxBytes);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    void response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const body = response.body;
  if (body === null) return response;
  // A declared length within the cap bounds the body already (the framing ends it there), so the
  // common case needs no counting stream; not when the body is decoded (gzip, br), where the
  // length counts the compressed bytes.
  const encoding = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' && (Number.isFinite(declared) || options.countsIdentity === false))
    return response;
  let seen = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  const capped = new Response(counted, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  return capped;
}
