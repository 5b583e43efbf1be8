/**
 * Fuzzes the refresh path with generated token-endpoint answers, injected at the local user pool
 * (`injectTokenFaults({ kind: 'status', status, body, contentType })`): statuses 200-599, JSON of
 * every shape (OAuth errors, token-looking fields with wrong types, fake JWTs), HTML, text,
 * truncated JSON and large bodies. Each case forces one refresh of a signed-in session:
 *  - it ends in a typed AppError (or, in principle, a valid session: state signed-in online);
 *  - the refresh token is still in the keychain afterwards unless the answer was an OAuth
 *    `invalid_grant`, and then the state says signed-out with a reason;
 *  - nothing JWT-shaped or from the body's marker appears in the error message.
 * After an invalid_grant the test puts the (still valid) refresh token back and restores.
 */
import fc from 'fast-check';
import { sessionBindingOf, type KeytarLike } from '../../src/main/auth/credential-store';
import type { Session } from '../../src/main/auth/session';
import { AppError, isAppError } from '../../src/shared/errors';
import { redact } from '../../src/shared/redact';
import { startScaleRig } from '../support/scale-rig';

export interface TokenAnswerFuzzOptions {
  numRuns: number;
  seed?: number;
  keychain?: KeytarLike;
}

export interface TokenAnswerFuzzResult {
  cases: number;
  invalidGrantCases: number;
  codes: Record<string, number>;
  /** The first few answers after which the refresh succeeded (to see what the pool really sent). */
  validSessionAnswers: Array<{ status: number; contentType: string; body: string; faultConsumed: boolean }>;
  seed: number;
  durationMs: number;
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
  marker: string;
}

const fakeJwt = fc
  .tuple(
    fc.base64String({ maxLength: 40 }),
    fc.base64String({ maxLength: 80 }),
    fc.base64String({ maxLength: 40 }),
  )
  .map(([a, b, c]) => `eyJ${a}.eyJ${b}.${c}`);
const anyJsonValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fakeJwt,
);
const oauthError = fc.constantFrom(
  'invalid_grant',
  'invalid_request',
  'invalid_client',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  'slow_down',
);

const bodyArb = (marker: string): fc.Arbitrary<string> =>
  fc.oneof(
    // Cognito's own invalid_grant answers (the one class that may end the session).
    fc.constantFrom(
      '{"error":"invalid_grant"}',
      '{"error":"invalid_grant","error_description":"Refresh Token has been revoked"}',
      '{"error":"invalid_grant","error_description":"Refresh Token has expired"}',
    ),
    // OAuth-shaped errors, sometimes with an extra description carrying the marker.
    fc
      .record(
        { error: oauthError, error_description: fc.string({ maxLength: 40 }).map((d) => `${d}${marker}`) },
        { requiredKeys: ['error'] },
      )
      .map((o) => JSON.stringify(o)),
    // Token-response-shaped objects with any field types.
    fc
      .record(
        {
          access_token: anyJsonValue,
          id_token: anyJsonValue,
          refresh_token: anyJsonValue,
          token_type: fc.oneof(fc.constantFrom('Bearer', 'bearer', 'mac'), anyJsonValue),
          expires_in: fc.oneof(fc.integer({ min: -10, max: 100_000 }), anyJsonValue),
          error: fc.oneof(oauthError, anyJsonValue),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
    fc.constant(`<!doctype html><title>502 Bad Gateway</title><h1>${marker}</h1>`),
    fc.constant('{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","expires_in":36'),
    fc.integer({ min: 10_000, max: 300_000 }).map((n) => `{"pad":"${'p'.repeat(n)}","marker":"${marker}"}`),
    fc.constant(''),
  );

const answerArb: fc.Arbitrary<Answer> = fc
  .stringMatching(/^[a-f0-9]{12}$/)
  .map((s) => `zq${s}`)
  .chain((marker) =>
    fc.record({
      status: fc.oneof(
        fc.constantFrom(
          200,
          200,
          201,
          204,
          301,
          302,
          400,
          400,
          401,
          403,
          404,
          405,
          408,
          409,
          429,
          500,
          502,
          503,
          504,
        ),
        fc.integer({ min: 200, max: 599 }),
      ),
      body: bodyArb(marker),
      contentType: fc.constantFrom(
        'application/json',
        'application/json;charset=UTF-8',
        'text/html; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        'application/jwt',
      ),
      marker: fc.constant(marker),
    }),
  );

/** Whether the answer is an OAuth invalid_grant: the one answer allowed to end the session. */
function isInvalidGrant(answer: Answer): boolean {
  try {
    const parsed = JSON.parse(answer.body) as unknown;
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as { error?: unknown }).error === 'invalid_grant'
    );
  } catch {
    return false;
  }
}

export async function fuzzTokenAnswers(options: TokenAnswerFuzzOptions): Promise<TokenAnswerFuzzResult> {
  const started = performance.now();
  const seed = options.seed ?? Date.now() % 2_147_483_647;
  const rig = await startScaleRig({
    tokenSeconds: 3600,
    ...(options.keychain ? { keychain: options.keychain } : {}),
  });
  const pool = rig.localPool!;
  const sessionOptions = {
    timeouts: { requestMs: 3_000, revokeMs: 1_000 },
    // No background retries between cases: each case's refresh is the one the test forces.
    backoff: { baseMs: 600_000, capMs: 600_000 },
  };
  let session: Session | undefined;
  try {
    const refreshToken = await rig.signInOnce();
    const restore = async () => {
      await session?.dispose();
      session = rig.newSession(sessionOptions);
      const state = await session.start();
      if (state.status !== 'signed-in' || state.connectivity !== 'online') {
        throw new Error('fuzz: restore before a case failed');
      }
    };
    await restore();
    const codes: Record<string, number> = {};
    let cases = 0;
    let invalidGrantCases = 0;
    const validSessionAnswers: TokenAnswerFuzzResult['validSessionAnswers'] = [];
    await fc.assert(
      fc.asyncProperty(answerArb, async (answer) => {
        cases++;
        const s = session!;
        const current = await s.getAccessToken();
        pool.clearFaults();
        pool.injectTokenFaults({
          kind: 'status',
          status: answer.status,
          body: answer.body,
          contentType: answer.contentType,
        });
        let outcome: string;
        let error: unknown;
        const requestsBefore = rig.refreshRequests();
        try {
          await s.forceRefresh(current);
          outcome = 'valid-session';
          if (validSessionAnswers.length < 5) {
            validSessionAnswers.push({
              status: answer.status,
              contentType: answer.contentType,
              body: redact(answer.body.slice(0, 200)),
              faultConsumed: rig.refreshRequests() > requestsBefore,
            });
          }
        } catch (err) {
          error = err;
          outcome = isAppError(err) ? err.code : 'UNTYPED';
        }
        codes[outcome] = (codes[outcome] ?? 0) + 1;
        const stored = await rig.credentialStore().load();
        const kept = stored.kind === 'found' && stored.credential.refreshToken === refreshToken;
        const state = s.getState();
        const problems: string[] = [];
        if (outcome === 'UNTYPED') problems.push(`untyped error ${String(error)}`);
        if (
          error instanceof AppError &&
          (error.message.includes(answer.marker) || error.message.includes('eyJ'))
        ) {
          problems.push('error message carries body content');
        }
        const grant = isInvalidGrant(answer);
        if (grant) invalidGrantCases++;
        if (!grant && !kept) problems.push('refresh token lost for a non-invalid_grant answer');
        if (!grant && state.status !== 'signed-in')
          problems.push(`state ${state.status} for a transient answer`);
        if (
          outcome === 'valid-session' &&
          !(state.status === 'signed-in' && state.connectivity === 'online')
        ) {
          problems.push('a resolved refresh left the session not online');
        }
        if (grant && !kept && !(state.status === 'signed-out' && /^(expired|revoked)$/.test(state.reason))) {
          problems.push('keychain wiped without a signed-out state and reason');
        }
        if (problems.length) {
          throw new Error(`token answer case ${cases} (HTTP ${answer.status}): ${problems.join(', ')}`);
        }
        if (!kept) {
          // invalid_grant here was injected, not real: the token is still good at the pool.
          await rig.credentialStore().save({ refreshToken, binding: sessionBindingOf(rig.profile) });
        }
        // An offline session goes on to the next case as it is (forceRefresh ignores the backoff).
        if (!kept || state.status !== 'signed-in') {
          pool.clearFaults();
          await restore();
        }
      }),
      { numRuns: options.numRuns, seed, endOnFailure: true },
    );
    return {
      cases,
      invalidGrantCases,
      codes,
      validSessionAnswers,
      seed,
      durationMs: performance.now() - started,
    };
  } finally {
    pool.clearFaults();
    await session?.dispose();
    await rig.close();
  }
}
