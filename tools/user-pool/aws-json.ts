/**
 * AWS's JSON 1.1 protocol, as Cognito's two APIs speak it: `POST /` with
 * `X-Amz-Target: <Service>.<Operation>` and a JSON body; answers `application/x-amz-json-1.1`;
 * errors HTTP 400 (500 for internal ones) with `{"__type":"<Name>","message":"..."}` and the
 * `x-amzn-ErrorType` header. Browsers get CORS as Cognito's endpoints give it (`*`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const AWS_JSON = 'application/x-amz-json-1.1';

/** A coded answer of an AWS JSON API (the `__type` the SDKs turn into an exception class). */
export class AwsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}

export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date',
} as const;

/** The preflight of a browser's API call (Amplify sends x-amz-target, x-amz-user-agent, cache-control). */
export function sendPreflight(req: IncomingMessage, res: ServerResponse, methods: string): void {
  const requested = req.headers['access-control-request-headers'];
  res.writeHead(204, {
    ...CORS_HEADERS,
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Allow-Headers':
      typeof requested === 'string' && /^[\w\-, ]{1,1000}$/.test(requested)
        ? requested
        : 'Authorization, Content-Type, X-Amz-Target, X-Amz-User-Agent, X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-Sha256, Cache-Control',
    'Access-Control-Max-Age': '86400',
    'Content-Length': '0',
  });
  res.end();
}

export function sendAwsJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(200, {
    'Content-Type': AWS_JSON,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...CORS_HEADERS,
  });
  res.end(text);
}

export function sendAwsError(res: ServerResponse, error: AwsApiError): void {
  const text = JSON.stringify({ __type: error.type, message: error.message });
  res.writeHead(error.status, {
    'Content-Type': AWS_JSON,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': error.type,
    ...CORS_HEADERS,
  });
  res.end(text);
}

/** The request's JSON object, or SerializationException. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsApiError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AwsApiError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return value as Record<string, unknown>;
}

/** Input readers with Cognito's validation-error wording. */
export function requireString(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (value === undefined || value === null) {
    throw new AwsApiError(
      'InvalidParameterException',
      `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (typeof value !== 'string') {
    throw new AwsApiError(
      'SerializationException',
      `STRING_VALUE can not be converted to a String for ${name}`,
    );
  }
  return value;
}

export function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  return requireString(input, name);
}

export function optionalInteger(
  input: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new AwsApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${String(value)}' at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

/** Epoch seconds, as the JSON 1.1 protocol carries timestamps. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
