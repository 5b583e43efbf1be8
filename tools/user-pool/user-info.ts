import type { IncomingMessage, ServerResponse } from 'node:http';

import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

import type { UserDirectory } from './accounts';
import { attributesForScopes } from './attributes';
import type { GrantRecords } from './grant-records';
import { sendPreflight } from './aws-json';
import { sendJson } from './http-helpers';
import { clientDefinition } from './provider-config';
import type { PoolDefinition } from './types';

export interface UserInfoDeps {
  issuer: string;
  definition: PoolDefinition;
  jwks: () => JSONWebKeySet;
  users: UserDirectory;
  grants: GrantRecords;
  /** Whether the grant (the refresh-token family) behind an access token is still alive. */
  grantAlive: (grantId: string) => Promise<boolean>;
}

function refuse(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(
    res,
    status,
    { error, error_description: description },
    {
      'WWW-Authenticate': `Bearer error="${error}", error_description="${description}"`,
      'Access-Control-Allow-Origin': '*',
    },
  );
}

/**
 * /oauth2/userInfo as Cognito answers it. Served here rather than by oidc-provider, whose userinfo
 * refuses JWT access tokens for a resource server, and which cannot see that a revoked refresh token
 * took its (stateless) access tokens down with it: this checks the grant the token came from.
 */
export async function handleUserInfo(
  deps: UserInfoDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method === 'OPTIONS') {
    // A browser app reading userInfo (oidc-client-ts with loadUserInfo) sends a preflight first.
    sendPreflight(req, res, 'GET, POST');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendJson(res, 405, { error: 'invalid_request' }, { Allow: 'GET, POST' });
    return;
  }
  if (req.headers.authorization === undefined) {
    // Cognito's documented answer to a request without a token, header form included.
    sendJson(
      res,
      400,
      { error: 'invalid_request' },
      {
        'WWW-Authenticate':
          'error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"',
        'Access-Control-Allow-Origin': '*',
      },
    );
    return;
  }
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization);
  if (!match?.[1]) {
    refuse(res, 401, 'invalid_token', 'Access token is missing');
    return;
  }
  let claims: Record<string, unknown>;
  try {
    const verified = await jwtVerify(match[1], createLocalJWKSet(deps.jwks()), {
      issuer: deps.issuer,
      algorithms: ['RS256'],
    });
    claims = verified.payload as Record<string, unknown>;
  } catch {
    refuse(res, 401, 'invalid_token', 'Access token is expired or invalid');
    return;
  }
  if (claims['token_use'] !== 'access') {
    refuse(res, 401, 'invalid_token', 'Access token is not an access token');
    return;
  }
  const record =
    typeof claims['origin_jti'] === 'string' ? deps.grants.byOriginJti(claims['origin_jti']) : undefined;
  if (!record || !(await deps.grantAlive(record.grantId))) {
    refuse(res, 401, 'invalid_token', 'Access token has been revoked');
    return;
  }
  const scopes = new Set(String(claims['scope'] ?? '').split(' '));
  if (!scopes.has('openid')) {
    refuse(res, 403, 'insufficient_scope', 'Access token does not contain openid scope');
    return;
  }
  const user = deps.users.bySub(String(claims['sub']));
  if (!user) {
    refuse(res, 401, 'invalid_token', 'User does not exist');
    return;
  }
  // AdminDisableUser revokes the user's access tokens (user-pool API, idp-api/admin-operations.ts).
  const revokedBefore = user.accessTokensRevokedBefore;
  if (
    user.enabled === false ||
    (revokedBefore !== undefined && Number(claims['iat']) * 1000 < revokedBefore)
  ) {
    refuse(res, 401, 'invalid_token', 'Access token has been revoked');
    return;
  }
  // The ID token's per-scope rule (attributes.ts); aws.cognito.signin.user.admin changes nothing.
  // Cognito's userInfo answers booleans as strings ("true"), unlike its ID tokens.
  const client = clientDefinition(deps.definition, String(claims['client_id'] ?? ''));
  const body: Record<string, string> = { sub: user.sub };
  for (const [name, value] of Object.entries(attributesForScopes(user, client, scopes)))
    body[name] = String(value);
  body['username'] = user.username;
  sendJson(res, 200, body, { 'Access-Control-Allow-Origin': '*' });
}
