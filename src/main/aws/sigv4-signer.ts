import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialSet } from './credential-set';

/**
 * Signs one API request with AWS Signature Version 4 (@smithy/signature-v4, the SDK's own signer)
 * for an `apis[].auth: { type: "sigv4" }` API: API Gateway with AWS_IAM authorization, or any
 * service that takes SigV4. Returns the headers to send (the caller's, plus `x-amz-date`,
 * `x-amz-security-token`, `x-amz-content-sha256` and `authorization`).
 *
 * The signed `host` is the URL's; it is not returned, because the transport sets the same Host
 * from the URL (Chromium refuses a Host request header). The body is signed as the exact bytes
 * sent.
 */
export interface SignInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

export async function signRequest(
  input: SignInput,
  credentials: AwsCredentialSet,
  scope: { service: string; region: string },
): Promise<Record<string, string>> {
  const url = new URL(input.url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const request = new HttpRequest({
    method: input.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { ...input.headers, host: url.host },
    ...(input.body === undefined ? {} : { body: input.body }),
  });
  const signer = new SignatureV4({
    service: scope.service,
    region: scope.region,
    credentials: credentials.forSdk(),
    sha256: Sha256,
    // API Gateway and the other services need the path encoded once more, as the SDK does for
    // every service but S3.
    uriEscapePath: true,
    applyChecksum: true,
  });
  const signed = await signer.sign(request);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name.toLowerCase() !== 'host') out[name.toLowerCase()] = value;
  }
  return out;
}
