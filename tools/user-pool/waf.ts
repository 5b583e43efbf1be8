/**
 * An AWS WAF web ACL in front of the pool (definition `waf`). AWS's common managed rule set
 * (`AWSManagedRulesCommonRuleSet`, rule `EC2MetaDataSSRF_QUERYARGUMENTS`) blocks query strings
 * that look like requests for local addresses, so `/oauth2/authorize?redirect_uri=http://127.0.0.1...`
 * is answered by WAF with 403 before Cognito sees it: the browser shows WAF's page, the app hears
 * nothing. `blockLoopbackIpRedirects: true` does that for redirect URIs on a 127.x address. WAF's
 * own block page (not Cognito's `/error`), so a client can tell the two apart. The exact body
 * AWS WAF sends for a user pool is not documented (docs/user-pool.md); this one is the plain
 * default of AWS WAF on other resources.
 */
import type { ServerResponse } from 'node:http';

import type { PoolDefinition } from './types';

export interface PoolWafDefinition {
  /** 403 for `/oauth2/authorize` whose redirect_uri is http on a 127.x address. */
  blockLoopbackIpRedirects?: boolean;
}

export const WAF_BLOCK_PAGE =
  '<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n';

/** Whether the web ACL blocks this authorize request. */
export function wafBlocksAuthorize(definition: PoolDefinition, url: URL): boolean {
  if (definition.waf?.blockLoopbackIpRedirects !== true) return false;
  return url.searchParams.getAll('redirect_uri').some((uri) => /^http:\/\/127\.\d/i.test(uri));
}

/** WAF's answer: 403 with its own small HTML page (no Cognito headers, no redirect). */
export function sendWafBlock(res: ServerResponse): void {
  res.writeHead(403, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(WAF_BLOCK_PAGE) });
  res.end(WAF_BLOCK_PAGE);
}
