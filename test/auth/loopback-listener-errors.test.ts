import { afterEach, describe, expect, it } from 'vitest';
import { openLoopbackListener } from '../../src/main/auth/loopback-listener';
import type { CallbackVerdict, LoopbackListener } from '../../src/main/auth/loopback-listener';
import { AppError } from '../../src/shared/errors';
import { rawRequest } from './support/http';
import { freePort } from '../../tools/support/ports';

/** The loopback listener's error paths: each reply the fixed page can give, and bad setup. */
const opened: LoopbackListener[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

async function open(onCallback: (u: URL) => CallbackVerdict) {
  const port = await freePort();
  const l = await openLoopbackListener({ redirectUris: [`http://127.0.0.1:${port}/callback`], onCallback });
  opened.push(l);
  return l;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  connection: 'close',
};

describe('loopback listener error paths', () => {
  it('a second callback while the first is being completed gets 409 "already handled"; the first still gets its page', async () => {
    const completion = deferred<{ ok: boolean; message: string }>();
    let calls = 0;
    const l = await open(() => {
      calls++;
      return { kind: 'accept', completion: completion.promise };
    });
    const first = rawRequest(`${l.redirectUri}?code=1&state=s`);
    await expect.poll(() => calls).toBe(1);
    const second = await rawRequest(`${l.redirectUri}?code=2&state=s`);
    expect(second.status).toBe(409);
    expect(second.body).toContain('This sign-in has already been handled.');
    expect(second.body).not.toContain('code=2');
    expect(calls).toBe(1);
    expect(l.closed).toBe(false);
    completion.resolve({ ok: true, message: 'You are signed in.' });
    expect((await first).status).toBe(200);
    await expect.poll(() => l.closed).toBe(true);
  });

  it('a completion that rejects gets the fixed 500 page (no error text), then the listener closes', async () => {
    const l = await open(() => ({
      kind: 'accept',
      completion: Promise.reject(new Error('token exchange blew up: refresh_token=SECRET-xyz')),
    }));
    const res = await rawRequest(`${l.redirectUri}?code=1&state=s`);
    expect(res.status).toBe(500);
    expect(res.body).toContain('Sign-in failed. Return to the app.');
    expect(res.body).not.toContain('blew up');
    expect(res.body).not.toContain('SECRET');
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
    await expect.poll(() => l.closed).toBe(true);
  });

  it('an empty redirect list is CONFIG_INVALID, before anything is bound', async () => {
    const err = await openLoopbackListener({
      redirectUris: [],
      onCallback: () => ({ kind: 'reject', message: 'x' }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CONFIG_INVALID');
    expect((err as AppError).message).toBe('The profile lists no loopback redirect URI.');
  });

  it('every reply (200, 400 reject, 400 failed, 404, 409, 500) carries every security header of the fixed page', async () => {
    const replies: Array<[string, Awaited<ReturnType<typeof rawRequest>>]> = [];
    // 404 and 400 (reject) on a listener that stays open, then 409 and 200 on it.
    const completion = deferred<{ ok: boolean; message: string }>();
    let accepted = 0;
    const l = await open((u) => {
      if (u.searchParams.get('state') !== 'good') return { kind: 'reject', message: 'Not this sign-in.' };
      accepted++;
      return { kind: 'accept', completion: completion.promise };
    });
    replies.push(['404', await rawRequest(`${new URL(l.redirectUri).origin}/other`)]);
    replies.push(['400 reject', await rawRequest(`${l.redirectUri}?code=1&state=bad`)]);
    const ok = rawRequest(`${l.redirectUri}?code=1&state=good`);
    // The 409 needs the first good callback accepted: wait for that event, not for a while.
    await expect.poll(() => accepted).toBe(1);
    replies.push(['409', await rawRequest(`${l.redirectUri}?code=1&state=good`)]);
    expect(accepted).toBe(1);
    completion.resolve({ ok: true, message: 'You are signed in.' });
    replies.push(['200', await ok]);
    const failed = await open(() => ({
      kind: 'accept',
      completion: Promise.resolve({ ok: false, message: 'Declined.' }),
    }));
    replies.push(['400 failed', await rawRequest(`${failed.redirectUri}?error=access_denied&state=s`)]);
    const broken = await open(() => ({ kind: 'accept', completion: Promise.reject(new Error('x')) }));
    replies.push(['500', await rawRequest(`${broken.redirectUri}?code=1&state=s`)]);

    expect(replies.map(([name, r]) => [name, r.status])).toEqual([
      ['404', 404],
      ['400 reject', 400],
      ['409', 409],
      ['200', 200],
      ['400 failed', 400],
      ['500', 500],
    ]);
    for (const [name, res] of replies) {
      expect(res.headers, name).toMatchObject(SECURITY_HEADERS);
      expect(res.headers['location'], name).toBeUndefined();
      expect(res.headers['set-cookie'], name).toBeUndefined();
      expect(res.headers['access-control-allow-origin'], name).toBeUndefined();
    }
  });
});
