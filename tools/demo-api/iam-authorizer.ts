/**
 * The demo API's IAM mode (`authorizer: 'iam'`, CLI `--authorizer iam`): it answers as an API
 * Gateway REST API with AWS_IAM authorization does. Every protected route needs a SigV4 signature
 * (service execute-api) by credentials the local pool's identity pool issued (or its static
 * admin credentials), verified and authorized by the pool's own IAM authority
 * (tools/user-pool/iam: the same definition verifies the same credentials in any process):
 *  - no Authorization header: `403 {"message":"Missing Authentication Token"}`;
 *  - a signature that does not verify: `403 {"message":"The request signature we calculated does
 *    not match the signature you provided. ..."}`;
 *  - expired credentials: `403 {"message":"The security token included in the request is expired"}`;
 *  - unknown credentials: `403 {"message":"The security token included in the request is invalid."}`;
 *  - a role without `execute-api:Invoke` on the method's ARN: `403 {"message":"User: <arn> is not
 *    authorized to perform: execute-api:Invoke on resource: <arn>"}`.
 * Each 403 carries `x-amzn-ErrorType` as API Gateway sends it. The route then sees the caller as
 * API Gateway's request context would: the identity id as `sub`, the role name as `username`.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import {
  createIamAuthority,
  roleNameOf,
  type IamDefinition,
  type IamVerifyErrorCode,
} from '../user-pool/iam';
import { MAX_BODY_BYTES, RequestError, type Reply } from './http-io';
import type { AccessTokenClaims } from './types';

export interface IamMode {
  /** The IAM part of the pool definition (roles, admin credentials, region, pool id). */
  definition: IamDefinition;
  /** For the execute-api ARN: `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`. */
  apiId?: string;
  stage?: string;
  now?: () => number;
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const MESSAGES: Record<IamVerifyErrorCode, string> = {
  MissingAuthenticationTokenException: 'Missing Authentication Token',
  IncompleteSignatureException:
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  InvalidSignatureException: SIGNATURE_MISMATCH,
  UnrecognizedClientException: 'The security token included in the request is invalid.',
  ExpiredTokenException: 'The security token included in the request is expired',
};

const denied = (type: string, message: string): Reply => ({
  status: 403,
  headers: { 'x-amzn-ErrorType': type },
  body: { message } as unknown as Reply['body'],
});

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw new RequestError(413, 'payload_too_large', 'body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, 'payload_too_large', 'body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function createIamAuthorizer(mode: IamMode) {
  const iam = createIamAuthority(mode.definition, mode.now ? { now: mode.now } : {});
  const region = mode.definition.region;
  const apiId = mode.apiId ?? 'demoapi';
  const stage = mode.stage ?? 'local';
  return {
    /**
     * Verifies and authorizes `req`; on success the claims the route sees and a request whose
     * body can be read again (the signature check consumed the original stream).
     */
    async authenticate(
      req: IncomingMessage,
    ): Promise<{ claims: AccessTokenClaims; req: IncomingMessage } | { reply: Reply }> {
      const body = await readBody(req);
      const verified = await iam.verify(
        { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
        'execute-api',
      );
      if (!verified.ok)
        return { reply: denied(verified.code, MESSAGES[verified.code] ?? SIGNATURE_MISMATCH) };
      const pathname = (req.url ?? '/').split('?')[0] ?? '/';
      const account = verified.principal.arn.split(':')[4] || '000000000000';
      const resource = `arn:aws:execute-api:${region}:${account}:${apiId}/${stage}/${req.method ?? 'GET'}${pathname}`;
      const allowed = iam.authorize(verified.principal, 'execute-api:Invoke', resource);
      if (!allowed.ok) {
        return {
          reply: denied(
            'AccessDeniedException',
            `User: ${verified.principal.arn} is not authorized to perform: execute-api:Invoke on resource: ${resource}`,
          ),
        };
      }
      const principal = verified.principal;
      const replay = Object.assign(Readable.from([body]), {
        headers: req.headers,
        method: req.method,
        url: req.url,
      }) as unknown as IncomingMessage;
      return {
        req: replay,
        claims: {
          sub: principal.identityId ?? principal.accessKeyId,
          username: principal.roleArn ? roleNameOf(principal.roleArn) : principal.arn,
          clientId: '',
          issuer: principal.arn,
          groups: [],
          scopes: [],
          exp: Math.floor(Date.now() / 1000) + 3600,
        },
      };
    },
  };
}
