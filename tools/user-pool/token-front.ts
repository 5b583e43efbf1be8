/**
 * What the pool does at /oauth2/token and /oauth2/revoke before oidc-provider answers:
 *  - reads the form (bounded) and counts the request; applies injected faults, then the
 *    UserAuthentication rate limit (token grants), with Cognito-style errors for bad input;
 *  - swaps the client-facing (JWE-shaped) refresh token for oidc-provider's own;
 *  - refresh token rotation's retry grace: a rotated-away token presented within the client's
 *    RetryGracePeriodSeconds works again; after it, `invalid_grant` for that token alone
 *    (oidc-provider would revoke the whole family, which Cognito does not document);
 *  - `scope` on a refresh drops scopes the refresh token does not hold instead of invalid_scope;
 *  - refuses revocation for clients that have it disabled.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { AdapterFactory } from 'oidc-provider';

import { sendPreflight } from './aws-json';
import { basicClientId, BodyTooLargeError, readBody, sendJson } from './http-helpers';
import type { createMemoryAdapterFactory } from './memory-adapter';
import { clientDefinition, rotationOf } from './provider-config';
import type { RateLimiter } from './rate-limit';
import type { RefreshTokenCodec } from './refresh-token-codec';
import type { TokenFaultQueue } from './token-faults';
import type { PoolDefinition, UserPoolCounters } from './types';

const CORS = { 'Access-Control-Allow-Origin': '*' };

export interface TokenFrontDeps {
  definition: PoolDefinition;
  counters: UserPoolCounters;
  faults: TokenFaultQueue;
  codec: RefreshTokenCodec;
  adapters: ReturnType<typeof createMemoryAdapterFactory> & { factory: AdapterFactory };
  userAuthentication: RateLimiter;
  /** Hand the (possibly rewritten) request to oidc-provider. */
  forward: (req: IncomingMessage, res: ServerResponse, body?: Buffer) => Promise<void>;
  /** Whether the refresh token's user may refresh (AdminDisableUser); absent = always. */
  accountEnabled?: (accountId: string) => boolean;
  log: (line: string) => void;
}

/** The over-quota answer: Cognito documents none for its OAuth endpoints (see docs/user-pool.md). */
export function sendThrottled(
  definition: PoolDefinition,
  counters: UserPoolCounters,
  res: ServerResponse,
): void {
  const answer = definition.rateLimits?.throttledResponse;
  counters.throttled['userAuthentication'] = (counters.throttled['userAuthentication'] ?? 0) + 1;
  sendJson(res, answer?.status ?? 429, { error: answer?.error ?? 'too_many_requests' }, CORS);
}

export function createTokenFront(deps: TokenFrontDeps) {
  const { definition, counters, faults, codec, adapters } = deps;
  const refreshAdapter = adapters.factory('RefreshToken');

  /** The body of a POST, or undefined after answering a Cognito-style error. */
  async function readFormBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'invalid_request' }, { ...CORS, Allow: 'POST' });
      return undefined;
    }
    try {
      return await readBody(req);
    } catch (err) {
      // The rest of an oversized body is never read: the connection cannot be reused.
      sendJson(
        res,
        err instanceof BodyTooLargeError ? 413 : 400,
        { error: 'invalid_request' },
        {
          ...CORS,
          Connection: 'close',
        },
      );
      return undefined;
    }
  }

  /** Grace and scope rules for a refresh; false when it has answered. */
  async function prepareRefresh(form: URLSearchParams, res: ServerResponse): Promise<boolean> {
    const presented = form.get('refresh_token');
    if (presented === null) return true;
    const internal = codec.unwrap(presented);
    if (internal === undefined) return true; // never issued here: oidc-provider answers invalid_grant
    form.set('refresh_token', internal);
    const stored = await refreshAdapter.find(internal);
    if (!stored) return true;
    if (typeof stored.accountId === 'string' && deps.accountEnabled?.(stored.accountId) === false) {
      deps.log('user pool: refresh refused (user is disabled)');
      sendJson(res, 400, { error: 'invalid_grant' }, CORS);
      return false;
    }
    const consumedAt = adapters.consumedAt('RefreshToken', internal);
    if (consumedAt !== undefined) {
      const { graceSeconds } = rotationOf(clientDefinition(definition, String(stored.clientId ?? '')));
      if (Date.now() - consumedAt < graceSeconds * 1000) {
        adapters.unconsume('RefreshToken', internal);
      } else {
        deps.log('user pool: rotated-away refresh token presented after its grace period');
        sendJson(res, 400, { error: 'invalid_grant' }, CORS);
        return false;
      }
    }
    const scope = form.get('scope');
    if (scope !== null) {
      const held = new Set(String(stored.scope ?? '').split(' '));
      const kept = scope.split(' ').filter((s) => s && held.has(s));
      if (kept.length) form.set('scope', kept.join(' '));
      else form.delete('scope');
    }
    return true;
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A browser app's preflight (CORS): the same answer on token, revoke and userInfo.
    if (req.method === 'OPTIONS') {
      sendPreflight(req, res, 'POST');
      return;
    }
    const body = await readFormBody(req, res);
    if (!body) return;
    const form = new URLSearchParams(body.toString('utf8'));
    const grantType = form.get('grant_type') ?? 'other';
    const key = grantType === 'authorization_code' || grantType === 'refresh_token' ? grantType : 'other';
    counters.tokenRequests[key] = (counters.tokenRequests[key] ?? 0) + 1;
    const fault = faults.take();
    if (fault) {
      deps.log(`user pool: token request answered by injected fault ${fault.kind}`);
      faults.apply(fault, req, res);
      return;
    }
    if (key !== 'other' && !deps.userAuthentication.take()) {
      deps.log(`user pool: ${key} request over the UserAuthentication rate limit`);
      sendThrottled(definition, counters, res);
      return;
    }
    if (key === 'refresh_token' && form.has('refresh_token')) {
      if (!(await prepareRefresh(form, res))) return;
      await deps.forward(req, res, Buffer.from(form.toString()));
      return;
    }
    await deps.forward(req, res, body);
  }

  async function handleRevoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      sendPreflight(req, res, 'POST');
      return;
    }
    counters.revokeRequests += 1;
    const body = await readFormBody(req, res);
    if (!body) return;
    const form = new URLSearchParams(body.toString('utf8'));
    const client = clientDefinition(
      definition,
      form.get('client_id') ?? basicClientId(req.headers.authorization) ?? '',
    );
    if (client && client.enableTokenRevocation === false) {
      sendJson(res, 400, { error: 'invalid_request' }, CORS);
      return;
    }
    const token = form.get('token');
    const internal = token === null ? undefined : codec.unwrap(token);
    if (internal !== undefined) {
      form.set('token', internal);
      await deps.forward(req, res, Buffer.from(form.toString()));
      return;
    }
    await deps.forward(req, res, body);
  }

  return { handleToken, handleRevoke };
}
