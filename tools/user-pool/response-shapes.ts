/**
 * oidc-provider's answers reshaped to Cognito's (a Koa middleware on the provider):
 *  - authorize redirects are 302 and carry no RFC 9207 `iss`;
 *  - token and revoke answers carry `Access-Control-Allow-Origin: *`; errors are `{"error"}` only;
 *  - a successful revoke is 200 with an empty body and no Content-Type;
 *  - the token endpoint's `invalid_client` is HTTP 400 without `WWW-Authenticate` (Cognito's token
 *    endpoint; revoke keeps oidc-provider's 401);
 *  - token answers have no `scope`; the refresh grant returns no `refresh_token` unless the client
 *    rotates; a refresh token leaves the pool only in its client-facing JWE form.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';

import { clientDefinition, rotationOf } from './provider-config';
import type { RefreshTokenCodec } from './refresh-token-codec';
import type { PoolDefinition } from './types';

function withoutIssParameter(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location;
  }
  if (!url.searchParams.has('iss')) return location;
  url.searchParams.delete('iss');
  return url.toString();
}

export function cognitoResponseShapes(definition: PoolDefinition, codec: RefreshTokenCodec) {
  return async function shapes(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    if (ctx.path.startsWith('/oauth2/authorize') && (ctx.status === 302 || ctx.status === 303)) {
      const location = ctx.response.get('Location');
      ctx.status = 302;
      if (location) ctx.set('Location', withoutIssParameter(location));
      return;
    }
    const isToken = ctx.path === '/oauth2/token';
    const isRevoke = ctx.path === '/oauth2/revoke';
    if (!isToken && !isRevoke) return;
    ctx.set('Access-Control-Allow-Origin', '*');
    if (isRevoke && ctx.status === 200) {
      // Cognito: "200 with an empty body". Koa types an empty string text/plain, which
      // oidc-client-ts refuses ("Invalid response Content-Type"); an empty body needs no type.
      ctx.body = '';
      ctx.remove('Content-Type');
      return;
    }
    const body: unknown = ctx.body;
    if (!body || typeof body !== 'object' || Buffer.isBuffer(body)) return;
    const fields = body as Record<string, unknown>;
    if (typeof fields['error'] === 'string') {
      if (isToken && fields['error'] === 'invalid_client') {
        ctx.status = 400;
        ctx.remove('WWW-Authenticate');
      }
      ctx.body = { error: fields['error'] };
      return;
    }
    if (!isToken) return;
    const reshaped: Record<string, unknown> = { ...fields };
    delete reshaped['scope'];
    const clientId = ctx.oidc?.client?.clientId;
    const rotation = rotationOf(clientId ? clientDefinition(definition, clientId) : undefined).enabled;
    if (ctx.oidc?.params?.['grant_type'] === 'refresh_token' && !rotation) delete reshaped['refresh_token'];
    if (typeof reshaped['refresh_token'] === 'string') {
      reshaped['refresh_token'] = await codec.wrap(reshaped['refresh_token']);
    }
    ctx.body = reshaped;
  };
}
