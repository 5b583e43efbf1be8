import * as client from 'openid-client';
import { AppError, isAppError } from '../../shared/errors';
import type { ResolvedProfile } from '../config/profile';
import type { Logger } from '../log/logger';
import type { Clock } from './clock';
import { openLoopbackListener } from './loopback-listener';
import { loopbackRedirectOrder } from './redirect-order';
import type { CallbackVerdict, LoopbackListener } from './loopback-listener';
import type { OidcClient } from './oidc-client';
import { toTransientError } from './refresh-error-classifier';
import type { TokenExpiryEstimator } from './token-expiry-estimator';
import { TokenSet } from './token-set';
import type { TokenVerifier } from './token-verifier';

/**
 * One sign-in attempt: authorization code + PKCE (S256) through the Hosted UI in the system
 * browser, with a fresh `state`, `nonce` and verifier per attempt.
 *
 * The redirect comes back either to the loopback listener (this module opens and always closes
 * it) or, for custom-scheme profiles, through `handleRedirectUrl(url)` which the shell calls with
 * URLs the OS hands in. A callback whose `state` does not match exactly is answered with an error
 * page and ignored: the real callback can still complete. The first matching callback is the only
 * one used (single use).
 *
 * Ends with a verified TokenSet, or an AppError: SIGN_IN_CANCELLED, SIGN_IN_TIMEOUT,
 * SIGN_IN_DENIED (the user refused at the IdP), IDP_ERROR, TOKEN_INVALID, IDP_UNREACHABLE,
 * REDIRECT_PORTS_BUSY.
 */
export interface SignInAttemptOptions {
  profile: ResolvedProfile;
  oidc: OidcClient;
  verifier: TokenVerifier;
  openExternal: (url: string) => Promise<void>;
  clock: Clock;
  /** Shared with the session's refreshes, so each token sharpens the next estimate. */
  expiry?: TokenExpiryEstimator;
  timeoutMs: number;
  logger: Logger;
  strategy?: 'loopback' | 'custom-scheme';
  /** The Hosted UI's `lang` (the app's language, e.g. 'de'); omitted: the pool's default. */
  uiLanguage?: string | undefined;
  /** Extra authorize parameters (identity_provider, idp_identifier, login_hint, lang): sign-in-options.ts. */
  authorizeParams?: Readonly<Record<string, string>>;
}

export interface SignInAttempt {
  readonly strategy: 'loopback' | 'custom-scheme';
  readonly redirectUri: string;
  readonly startedAt: number;
  /** The authorize URL this attempt opened: no secret in it (the PKCE verifier stays here). */
  readonly authorizeUrl: string;
  readonly result: Promise<TokenSet>;
  cancel(): void;
  reopenBrowser(): Promise<void>;
  /** Custom-scheme redirect from the OS. Returns true if it completed (or is completing) this attempt. */
  handleRedirectUrl(url: string): boolean;
  /** Resolves once the listener (if any) is closed. */
  readonly closed: Promise<void>;
}

const CALLBACK_PARAMS = new Set(['code', 'state', 'error', 'error_description', 'error_uri', 'iss']);

function describeAuthorizeError(error: string): AppError {
  if (error === 'access_denied')
    return new AppError('SIGN_IN_DENIED', 'Sign-in was declined at the sign-in page.');
  const safe = /^[a-z_]{1,64}$/.test(error) ? error : 'unknown_error';
  return new AppError('IDP_ERROR', `The sign-in service returned an error (${safe}).`);
}

export async function startSignInAttempt(options: SignInAttemptOptions): Promise<SignInAttempt> {
  const { profile, oidc, verifier, clock, logger: log } = options;
  const strategy =
    options.strategy ??
    (profile.redirect.prefer === 'custom-scheme' || profile.redirect.loopback.length === 0
      ? 'custom-scheme'
      : 'loopback');
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);

  let settled = false;
  let resolveResult!: (t: TokenSet) => void;
  let rejectResult!: (e: AppError) => void;
  const result = new Promise<TokenSet>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // Callers that never await the result (e.g. after cancel) must not cause unhandled rejections.
  result.catch(() => undefined);

  let listener: LoopbackListener | undefined;
  let timer: unknown = undefined;
  let accepted = false;

  const finish = (outcome: { ok: true; tokens: TokenSet } | { ok: false; error: AppError }) => {
    if (settled) return;
    settled = true;
    clock.clearTimeout(timer);
    if (outcome.ok) resolveResult(outcome.tokens);
    else rejectResult(outcome.error);
  };

  const exchange = async (callbackUrl: URL): Promise<TokenSet> => {
    const sentAt = clock.now();
    let response: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    let receivedAt: number;
    try {
      response = await client.authorizationCodeGrant(oidc.config, callbackUrl, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      receivedAt = clock.now();
    } catch (err) {
      const e = toTransientError(err);
      throw new AppError(e.code, `Could not complete sign-in: ${e.message}`, {
        ...(e.status === undefined ? {} : { status: e.status }),
      });
    }
    const idToken = response.id_token;
    const refreshToken = response.refresh_token;
    if (!idToken || !refreshToken || typeof response.expires_in !== 'number') {
      throw new AppError('TOKEN_INVALID', 'The sign-in service did not return the expected tokens.');
    }
    const user = await verifier.verifyIdToken(idToken, { expectedNonce: nonce });
    const { iat, exp } = await verifier.verifyAccessToken(response.access_token);
    const expiresInSeconds = response.expires_in;
    return new TokenSet({
      accessToken: response.access_token,
      idToken,
      refreshToken,
      receivedAt: sentAt,
      expiresInSeconds,
      ...(options.expiry
        ? { estimatedExpiresAt: options.expiry.estimate({ sentAt, receivedAt, expiresInSeconds, iat, exp }) }
        : {}),
      user,
    });
  };

  /** Shared by both redirect strategies: exact state check first, then single use. */
  const onCallback = (callbackUrl: URL): CallbackVerdict => {
    if (settled || accepted) return { kind: 'reject', message: 'This sign-in has already been handled.' };
    const params = callbackUrl.searchParams;
    const keys = [...params.keys()];
    if (keys.some((k) => !CALLBACK_PARAMS.has(k)) || new Set(keys).size !== keys.length) {
      return { kind: 'reject', message: 'This is not a valid sign-in response.' };
    }
    if (params.get('state') !== state) {
      return { kind: 'reject', message: 'This sign-in response does not belong to the sign-in in progress.' };
    }
    accepted = true;
    const error = params.get('error');
    if (error !== null) {
      const appError = describeAuthorizeError(error);
      finish({ ok: false, error: appError });
      return { kind: 'accept', completion: Promise.resolve({ ok: false, message: appError.message }) };
    }
    if (!params.get('code')) {
      const appError = new AppError(
        'CALLBACK_INVALID',
        'The sign-in response carried no authorization code.',
      );
      finish({ ok: false, error: appError });
      return { kind: 'accept', completion: Promise.resolve({ ok: false, message: appError.message }) };
    }
    const completion = exchange(callbackUrl).then(
      (tokens) => {
        if (settled) return { ok: false, message: 'This sign-in was cancelled.' };
        finish({ ok: true, tokens });
        return { ok: true, message: 'You are signed in.' };
      },
      (err: unknown) => {
        const appError = isAppError(err) ? err : new AppError('INTERNAL', 'Sign-in failed.');
        finish({ ok: false, error: appError });
        return { ok: false, message: appError.message };
      },
    );
    return { kind: 'accept', completion };
  };

  let redirectUri: string;
  if (strategy === 'loopback') {
    listener = await openLoopbackListener({
      redirectUris: loopbackRedirectOrder(profile),
      onCallback,
      logger: log,
    });
    redirectUri = listener.redirectUri;
  } else {
    if (!profile.redirect.customScheme) {
      throw new AppError('CONFIG_INVALID', 'The profile has no custom-scheme redirect URI.');
    }
    redirectUri = profile.redirect.customScheme;
  }
  const closed = result.then(
    () => listener?.close(),
    () => listener?.close(),
  );

  const authorizeUrl = client.buildAuthorizationUrl(oidc.config, {
    // First, so none of them can replace the flow's own parameters below.
    ...options.authorizeParams,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: profile.scopes.join(' '),
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.uiLanguage ? { lang: options.uiLanguage } : {}),
  });
  // openExternal only ever receives the profile's own Hosted UI authorize endpoint.
  if (
    authorizeUrl.origin + authorizeUrl.pathname !==
    oidc.authorizationEndpoint.origin + oidc.authorizationEndpoint.pathname
  ) {
    await listener?.close();
    throw new AppError('CONFIG_INVALID', 'Refusing to open an unexpected sign-in address.');
  }

  const startedAt = clock.now();
  timer = clock.setTimeout(
    () =>
      finish({
        ok: false,
        error: new AppError('SIGN_IN_TIMEOUT', 'Sign-in timed out: no answer from the browser.'),
      }),
    options.timeoutMs,
  );

  const open = async () => {
    try {
      await options.openExternal(authorizeUrl.href);
    } catch {
      finish({
        ok: false,
        error: new AppError('INTERNAL', 'Could not open the system browser for sign-in.'),
      });
    }
  };
  log.info('sign-in started', { strategy, redirectUri });
  await open();

  return {
    strategy,
    redirectUri,
    startedAt,
    authorizeUrl: authorizeUrl.href,
    result,
    closed,
    cancel() {
      finish({ ok: false, error: new AppError('SIGN_IN_CANCELLED', 'Sign-in was cancelled.') });
    },
    async reopenBrowser() {
      if (!settled) await open();
    },
    handleRedirectUrl(url: string) {
      if (strategy !== 'custom-scheme' || settled || accepted) return false;
      const queryAt = url.indexOf('?');
      const base = queryAt === -1 ? url : url.slice(0, queryAt);
      if (base !== redirectUri || url.includes('#')) return false;
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return false;
      }
      const verdict = onCallback(parsed);
      if (verdict.kind === 'reject') {
        log.warn('custom-scheme redirect ignored', { reason: verdict.message });
        return false;
      }
      return true;
    },
  };
}
