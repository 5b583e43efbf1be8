/**
 * Cognito's /oauth2/authorize rules that oidc-provider does not share, applied before it sees the
 * request (the URL's query is rewritten in place for it):
 *  - exact redirect_uri match (no loopback any-port rule); an unknown client or a mismatch lands on
 *    `/error?error=redirect_mismatch`, never on the app. A missing redirect_uri means the client's
 *    only callback URL, or its DefaultRedirectURI.
 *  - response_type code only, PKCE S256 only, scopes within the client's (none = all of them).
 *  - prompt: login, none, select_account, consent, alone or space-separated; select_account and
 *    consent have no effect on local users, so only login and none reach oidc-provider.
 *  - resource (resource binding): one registered resource server identifier, else invalid_target.
 */
import type { ServerResponse } from 'node:http';

import { redirect } from './http-helpers';
import { clientDefinition } from './provider-config';
import type { PoolDefinition } from './types';

const PROMPTS = new Set(['login', 'none', 'select_account', 'consent']);

/** Returns false when it has answered (an error redirect); true to hand the request on. */
export function guardAuthorize(definition: PoolDefinition, url: URL, res: ServerResponse): boolean {
  const q = url.searchParams;
  const clientId = q.get('client_id') ?? '';
  const client = clientDefinition(definition, clientId);
  const fallback =
    client && q.get('redirect_uri') === null
      ? client.callbackUrls.length === 1
        ? client.callbackUrls[0]
        : client.defaultRedirectUri
      : undefined;
  if (fallback !== undefined) q.set('redirect_uri', fallback);
  const redirectUri = q.get('redirect_uri');
  if (
    !client ||
    redirectUri === null ||
    !client.callbackUrls.includes(redirectUri) ||
    q.getAll('redirect_uri').length > 1
  ) {
    redirect(
      res,
      `/error?${new URLSearchParams({ error: 'redirect_mismatch', client_id: clientId }).toString()}`,
    );
    return false;
  }
  const fail = (error: string) => {
    const target = new URL(redirectUri);
    target.searchParams.set('error', error);
    const state = q.get('state');
    if (state !== null) target.searchParams.set('state', state);
    redirect(res, target.toString());
    return false;
  };
  const responseType = q.get('response_type');
  if (!responseType) return fail('invalid_request');
  if (responseType !== 'code') return fail('unauthorized_client');
  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method');
  if (challenge !== null || method !== null) {
    if (!challenge || method !== 'S256') return fail('invalid_request');
  }
  const scope = q.get('scope');
  if (scope === null || scope.trim() === '') {
    q.set('scope', client.allowedScopes.join(' '));
  } else if (scope.split(' ').some((s) => s && !client.allowedScopes.includes(s))) {
    return fail('invalid_scope');
  }
  const prompt = q.get('prompt');
  if (prompt !== null) {
    const values = prompt.split(' ').filter(Boolean);
    if (values.some((v) => !PROMPTS.has(v))) return fail('invalid_request');
    const effective = values.filter((v) => v === 'login' || v === 'none');
    if (effective.length) q.set('prompt', effective.join(' '));
    else q.delete('prompt');
  }
  const resources = q.getAll('resource');
  if (resources.length > 1) return fail('invalid_target');
  if (
    resources.length === 1 &&
    !(definition.resourceServers ?? []).some((r) => r.identifier === resources[0])
  ) {
    return fail('invalid_target');
  }
  // Without openid there is no ID token, and Cognito ignores `nonce` where oidc-provider refuses it.
  if (!(q.get('scope') ?? '').split(' ').includes('openid')) {
    for (const name of ['nonce', 'max_age', 'claims', 'acr_values', 'id_token_hint']) q.delete(name);
  }
  return true;
}
