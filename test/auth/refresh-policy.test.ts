import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/main/auth/backoff';
import { classifyRefreshError } from '../../src/main/auth/refresh-error-classifier';
import { TokenSet } from '../../src/main/auth/token-set';
import { createLogger } from '../../src/main/log/logger';

describe('refresh failure classifier', () => {
  it('only invalid_grant wipes; revoked vs expired from the description', () => {
    expect(
      classifyRefreshError({ error: 'invalid_grant', error_description: 'Refresh Token has been revoked' }),
    ).toEqual({
      kind: 'invalid_grant',
      reason: 'revoked',
    });
    expect(classifyRefreshError({ error: 'invalid_grant' })).toEqual({
      kind: 'invalid_grant',
      reason: 'expired',
    });
  });

  it('everything else is transient with a plain, typed error', () => {
    const cases: Array<[unknown, string]> = [
      [Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 'IDP_UNREACHABLE'],
      [Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }), 'IDP_UNREACHABLE'],
      [
        Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
        'IDP_UNREACHABLE',
      ],
      [{ status: 503, message: 'x' }, 'IDP_UNREACHABLE'],
      [{ status: 429 }, 'IDP_UNREACHABLE'],
      [
        {
          name: 'ClientError',
          code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
          cause: new Response('busy', { status: 503 }),
        },
        'IDP_UNREACHABLE',
      ],
      [{ status: 400, error: 'invalid_client' }, 'IDP_ERROR'],
      [new SyntaxError('Unexpected end of JSON input'), 'IDP_ERROR'],
      ['weird', 'IDP_ERROR'],
    ];
    for (const [err, code] of cases) {
      const c = classifyRefreshError(err);
      expect(c.kind).toBe('transient');
      expect(c.kind === 'transient' && c.error.code).toBe(code);
    }
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and jitters within [exp/2, exp]', () => {
    const opts = { baseMs: 1000, capMs: 8000 };
    expect(backoffDelay(0, { ...opts, random: () => 0 })).toBe(500);
    expect(backoffDelay(0, { ...opts, random: () => 1 })).toBe(1000);
    expect(backoffDelay(2, { ...opts, random: () => 0.5 })).toBe(3000);
    expect(backoffDelay(10, { ...opts, random: () => 1 })).toBe(8000);
    expect(backoffDelay(50, { ...opts, random: () => 0 })).toBe(4000);
  });
});

describe('token set and logger keep tokens out of text', () => {
  const secret = { at: 'SENTINEL-AT-111', id: 'SENTINEL-ID-222', rt: 'SENTINEL-RT-333' };
  const t = new TokenSet({
    accessToken: secret.at,
    idToken: secret.id,
    refreshToken: secret.rt,
    receivedAt: 1_000,
    expiresInSeconds: 5,
    user: { sub: 's', username: 'alice', groups: [] },
  });

  it('JSON.stringify, inspect, spread and Object.keys cannot reach the tokens', () => {
    expect(t.accessToken).toBe(secret.at);
    expect(t.accessTokenExpiresAt).toBe(6_000);
    const texts = [
      JSON.stringify(t),
      inspect(t, { showHidden: true, depth: 5 }),
      JSON.stringify({ ...t }),
      String(Object.keys(t)),
    ];
    for (const text of texts) for (const v of Object.values(secret)) expect(text).not.toContain(v);
  });

  it('every logged line passes redact(): JWTs, bearer values and token fields are hidden', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), level: 'debug', now: () => 0 }).child('t');
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    log.info(`got Bearer ${secret.at} and ${jwt}`, {
      refresh_token: secret.rt,
      nested: { idToken: secret.id },
    });
    log.debug('callback ?code=SENTINEL-CODE&state=SENTINEL-STATE');
    log.info('tokens', { t });
    const all = lines.join('\n');
    for (const v of [...Object.values(secret), jwt, 'SENTINEL-CODE', 'SENTINEL-STATE'])
      expect(all).not.toContain(v);
    expect(lines[0]).toMatch(/^1970-01-01T00:00:00.000Z INFO \[t\] got Bearer \[REDACTED\]/);
    expect(lines).toHaveLength(3);
  });

  it('drops lines below the level and survives a throwing sink', () => {
    const lines: string[] = [];
    createLogger({ sink: (l) => lines.push(l), level: 'warn' }).info('hidden');
    expect(lines).toEqual([]);
    expect(() =>
      createLogger({
        sink: () => {
          throw new Error('disk full');
        },
      }).error('x'),
    ).not.toThrow();
  });
});
