import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as oidcClient from 'openid-client';
import { systemClock } from '../../src/main/auth/clock';
import { discoverOidcClient, type OidcClient } from '../../src/main/auth/oidc-client';
import { startSignInAttempt, type SignInAttemptOptions } from '../../src/main/auth/sign-in-flow';
import { createTokenVerifier } from '../../src/main/auth/token-verifier';
import { createLogger } from '../../src/main/log/logger';
import { defaultNodeTransport } from '../../src/main/net/default-transport';
import type { NetTransport } from '../../src/main/net/transport';
import { AppError } from '../../src/shared/errors';
import { leakedSecrets, startHarness, type Harness } from './support/harness';
import { connectionOutcome, rawRequest } from './support/http';

/**
 * The sign-in attempt's error paths, against the local user pool and a real Chromium doing the
 * Hosted UI login where a real code is needed. Each ends in one exact coded error, a closed
 * listener, and nothing secret in the log.
 */
let h: Harness;
let oidc: OidcClient;
const opened: string[] = [];
const logLines: string[] = [];

/** The token endpoint's answers pass through `edit` on their way back (a proxy in front of the pool). */
let edit: ((json: Record<string, unknown>) => Record<string, unknown>) | undefined;
const direct = defaultNodeTransport();
/** The session's network transport (src/main/net) with the token answers edited on the way back. */
const editingTransport: NetTransport = {
  kind: direct.kind,
  setProxy: (setting) => direct.setProxy(setting),
  describe: (url) => direct.describe(url),
  close: () => direct.close(),
  fetch: (url, init) => editingFetch(String(url), init as never),
};
const editingFetch: oidcClient.CustomFetch = async (url, init) => {
  const res = await direct.fetch(url, init as never);
  if (!edit || !url.endsWith('/oauth2/token') || res.status !== 200) return res;
  const json = edit((await res.json()) as Record<string, unknown>);
  for (const key of ['access_token', 'id_token', 'refresh_token']) {
    if (typeof json[key] === 'string') h.secrets.add(json[key]);
  }
  return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
};

beforeAll(async () => {
  h = await startHarness();
  oidc = await discoverOidcClient(h.profile, { timeoutMs: 2_000, transport: editingTransport });
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  h.mode = 'login';
  edit = undefined;
  await h.browserDone();
  h.pool.clearFaults();
  h.emitted.push(...logLines.splice(0));
});

function options(overrides: Partial<SignInAttemptOptions> = {}): SignInAttemptOptions {
  return {
    profile: h.profile,
    oidc,
    verifier: createTokenVerifier({
      issuer: h.profile.issuer,
      clientId: h.profile.clientId,
      jwksUri: oidc.jwksUri,
      now: () => Date.now(),
      timeoutMs: 2_000,
    }),
    openExternal: async (url) => {
      opened.push(url);
      await h.openExternal(url);
    },
    clock: systemClock,
    timeoutMs: 60_000,
    logger: createLogger({ sink: (line) => logLines.push(line), level: 'debug' }),
    strategy: 'loopback',
    ...overrides,
  };
}

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  h.recordError(err);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const stateOf = (url: string | undefined) => new URL(url ?? 'http://x').searchParams.get('state') ?? '';

describe('sign-in attempt error paths', () => {
  it('a callback with the right state but no code and no error -> CALLBACK_INVALID, no token request', async () => {
    h.mode = 'ignore';
    const grants = h.tokenRequests('authorization_code');
    const attempt = await startSignInAttempt(options());
    const res = await rawRequest(`${attempt.redirectUri}?state=${stateOf(opened.at(-1))}`);
    const err = await errorOf(attempt.result);
    expect([err.code, err.message]).toEqual([
      'CALLBACK_INVALID',
      'The sign-in response carried no authorization code.',
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toContain('carried no authorization code');
    await attempt.closed;
    expect(await connectionOutcome(attempt.redirectUri)).toBe('ECONNREFUSED');
    expect(h.tokenRequests('authorization_code')).toBe(grants);
  });

  it.each([
    ['server_error', 'The sign-in service returned an error (server_error).'],
    ['temporarily_unavailable', 'The sign-in service returned an error (temporarily_unavailable).'],
    ['<script>alert(1)</script>', 'The sign-in service returned an error (unknown_error).'],
    ['Bearer eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.', 'The sign-in service returned an error (unknown_error).'],
  ])(
    'an error=%s redirect -> IDP_ERROR with the code sanitised; the description is never echoed',
    async (code, message) => {
      h.mode = 'ignore';
      const attempt = await startSignInAttempt(options());
      const query = new URLSearchParams({
        error: code,
        error_description: 'refresh_token=SECRET-desc-123 <b>bold</b>',
        state: stateOf(opened.at(-1)),
      });
      const res = await rawRequest(`${attempt.redirectUri}?${query.toString()}`);
      const err = await errorOf(attempt.result);
      expect([err.code, err.message]).toEqual(['IDP_ERROR', message]);
      expect(res.status).toBe(400);
      expect(res.body).toContain(message);
      expect(res.body).not.toContain('SECRET-desc');
      expect(res.body).not.toContain('<script>');
      expect(res.body).not.toContain('<b>');
      await attempt.closed;
    },
  );

  it.each([
    [
      '503',
      { kind: 'status' as const, status: 503, body: 'down' },
      ['IDP_UNREACHABLE', 'Could not complete sign-in: The sign-in service is unavailable (HTTP 503).'],
    ],
    [
      'invalid_grant',
      { kind: 'invalid_grant' as const },
      [
        'IDP_ERROR',
        'Could not complete sign-in: The sign-in service refused the request: HTTP 400 (invalid_grant).',
      ],
    ],
    [
      'connection reset',
      { kind: 'reset' as const },
      ['IDP_UNREACHABLE', 'Could not complete sign-in: The sign-in service cannot be reached.'],
    ],
  ])(
    'the code exchange failing at the pool (%s) -> the exact error, on the page too',
    async (_name, fault, expected) => {
      h.pool.injectTokenFaults(fault);
      const grants = h.tokenRequests('authorization_code');
      const attempt = await startSignInAttempt(options());
      const err = await errorOf(attempt.result);
      expect([err.code, err.message]).toEqual(expected);
      await h.browserDone();
      expect(await h.lastPage!.textContent('body')).toContain(expected[1]);
      expect(h.tokenRequests('authorization_code') - grants).toBe(1);
      await attempt.closed;
    },
  );

  it('the pool answer without a refresh token -> TOKEN_INVALID (the app cannot keep the session)', async () => {
    edit = ({ refresh_token: _dropped, ...rest }) => rest;
    const attempt = await startSignInAttempt(options());
    const err = await errorOf(attempt.result);
    expect([err.code, err.message]).toEqual([
      'TOKEN_INVALID',
      'The sign-in service did not return the expected tokens.',
    ]);
    await attempt.closed;
  });

  it('the pool answer without an ID token -> refused by openid-client first, as an unusable response', async () => {
    edit = ({ id_token: _dropped, ...rest }) => rest;
    const attempt = await startSignInAttempt(options());
    const err = await errorOf(attempt.result);
    expect([err.code, err.message]).toEqual([
      'IDP_ERROR',
      'Could not complete sign-in: The sign-in service sent a response the app could not use.',
    ]);
    await attempt.closed;
  });

  it('openExternal rejecting -> INTERNAL "could not open the system browser", listener closed', async () => {
    const attempt = await startSignInAttempt(
      options({
        openExternal: async () => {
          throw new Error('xdg-open: no handler for https (with refresh_token=SECRET-open)');
        },
      }),
    );
    const err = await errorOf(attempt.result);
    expect([err.code, err.message]).toEqual(['INTERNAL', 'Could not open the system browser for sign-in.']);
    await attempt.closed;
    expect(await connectionOutcome(attempt.redirectUri)).toBe('ECONNREFUSED');
    expect(logLines.join('\n')).not.toContain('SECRET-open');
  });

  it('custom-scheme strategy on a profile without a custom-scheme URI -> CONFIG_INVALID, nothing opened', async () => {
    const count = opened.length;
    const profile = { ...h.profile, redirect: { ...h.profile.redirect, customScheme: undefined } };
    const err = await errorOf(
      startSignInAttempt(options({ profile: profile as typeof h.profile, strategy: 'custom-scheme' })),
    );
    expect([err.code, err.message]).toEqual([
      'CONFIG_INVALID',
      'The profile has no custom-scheme redirect URI.',
    ]);
    expect(opened.length).toBe(count);
  });

  it('an authorize endpoint on another origin -> CONFIG_INVALID before the browser opens, listener closed', async () => {
    const count = opened.length;
    const elsewhere: OidcClient = {
      ...oidc,
      authorizationEndpoint: new URL('http://127.0.0.1:9/oauth2/authorize'),
    };
    const err = await errorOf(startSignInAttempt(options({ oidc: elsewhere })));
    expect([err.code, err.message]).toEqual([
      'CONFIG_INVALID',
      'Refusing to open an unexpected sign-in address.',
    ]);
    expect(opened.length).toBe(count);
    expect(await connectionOutcome(h.profile.redirect.loopback[0]!)).toBe('ECONNREFUSED');
    // And discovery itself refuses a pool whose authorize endpoint is not on the profile's domain.
    const other = await errorOf(
      discoverOidcClient(
        { ...h.profile, domain: 'http://127.0.0.2:9' },
        { timeoutMs: 2_000, transport: direct },
      ),
    );
    expect([other.code, other.message]).toEqual([
      'CONFIG_INVALID',
      "The issuer's authorize endpoint is not on the profile's Hosted UI domain http://127.0.0.2:9.",
    ]);
  });

  it('control: the same options sign in for real', async () => {
    const attempt = await startSignInAttempt(options());
    const tokens = await attempt.result;
    h.secrets.add(tokens.refreshToken);
    h.secrets.add(tokens.accessToken);
    expect(tokens.user.username).toBe('alice');
    await attempt.closed;
  });

  it('no token value or JWT appeared in any log line or error of this file', () => {
    h.emitted.push(...logLines.splice(0));
    expect(leakedSecrets(h)).toEqual([]);
  });
});
