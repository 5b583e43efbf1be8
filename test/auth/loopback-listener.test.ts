import { afterEach, describe, expect, it } from 'vitest';
import { openLoopbackListener } from '../../src/main/auth/loopback-listener';
import type { CallbackVerdict, LoopbackListener } from '../../src/main/auth/loopback-listener';
import { AppError } from '../../src/shared/errors';
import { closeNet, freePort, hasIPv6Loopback, occupy } from '../../tools/support/ports';
import { LAN_IPV4, LAN_IPV6, runInLanNamespace } from '../support/lan-namespace';
import { connectionOutcome, rawRequest } from './support/http';
import type { Server } from 'node:net';

const opened: LoopbackListener[] = [];
const blockers: Server[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
  await Promise.all(blockers.splice(0).map(closeNet));
});

async function open(uris: string[], onCallback: (u: URL) => CallbackVerdict) {
  const l = await openLoopbackListener({ redirectUris: uris, onCallback });
  opened.push(l);
  return l;
}

const acceptOk = (): CallbackVerdict => ({
  kind: 'accept',
  completion: Promise.resolve({ ok: true, message: 'You are signed in.' }),
});

describe('loopback redirect listener', () => {
  it('binds the first free registered URI on 127.0.0.1 only, and answers the exact path once', async () => {
    const port = await freePort();
    const seen: string[] = [];
    const l = await open([`http://127.0.0.1:${port}/callback`], (u) => {
      seen.push(u.href);
      return acceptOk();
    });
    expect(l.redirectUri).toBe(`http://127.0.0.1:${port}/callback`);
    expect(l.addresses.map((a) => a.address)).toEqual(['127.0.0.1']);

    const res = await rawRequest(`${l.redirectUri}?code=abc&state=xyz`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Signed in');
    expect(res.headers['location']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).not.toContain('abc');
    expect(seen).toEqual([`http://127.0.0.1:${port}/callback?code=abc&state=xyz`]);
    // Single use: closed after the first accepted callback, so a replay cannot even connect.
    await expect.poll(() => l.closed).toBe(true);
    expect(await connectionOutcome(`${l.redirectUri}?code=abc&state=xyz`)).toBe('ECONNREFUSED');
  });

  it('answers other paths, methods and hosts with a fixed 404 page, never a redirect, and keeps waiting', async () => {
    const port = await freePort();
    let calls = 0;
    const l = await open([`http://127.0.0.1:${port}/callback`], () => {
      calls++;
      return acceptOk();
    });
    const base = `http://127.0.0.1:${port}`;
    for (const res of [
      await rawRequest(`${base}/`),
      await rawRequest(`${base}/callback/`),
      await rawRequest(`${base}/Callback?code=1&state=2`),
      await rawRequest(`${base}/callback/../favicon.ico`),
      await rawRequest(`${base}/callback?code=1&state=2`, { method: 'POST' }),
      await rawRequest(`${base}/callback?code=1&state=2`, { host: `evil.example:${port}` }),
      await rawRequest(`${base}/redirect?next=https://evil.example/`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers['location']).toBeUndefined();
      expect(res.body).not.toContain('evil.example');
    }
    expect(calls).toBe(0);
    expect(l.closed).toBe(false);
  });

  it('refuses request targets that only resolve to the callback path, even with the real state', async () => {
    const port = await freePort();
    let calls = 0;
    const l = await open([`http://127.0.0.1:${port}/callback`], () => {
      calls++;
      return acceptOk();
    });
    const base = `http://127.0.0.1:${port}/callback`;
    for (const rawTarget of [
      '/../callback?code=1&state=good',
      '/x/../callback?code=1&state=good',
      '//evil.test/callback?code=1&state=good',
      'http://evil.test/callback?code=1&state=good',
      `http://127.0.0.1:${port}/callback?code=1&state=good`,
    ]) {
      const res = await rawRequest(base, { rawTarget });
      expect(res.status).toBe(404);
      expect(res.headers['location']).toBeUndefined();
    }
    expect(calls).toBe(0);
    expect(l.closed).toBe(false);
  });

  it('a rejected callback gets an error page and the real one still completes', async () => {
    const port = await freePort();
    const l = await open([`http://127.0.0.1:${port}/callback`], (u) =>
      u.searchParams.get('state') === 'good'
        ? acceptOk()
        : { kind: 'reject', message: 'This sign-in response does not belong to the sign-in in progress.' },
    );
    const bad = await rawRequest(`${l.redirectUri}?code=1&state=<script>alert(1)</script>`);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('does not belong');
    expect(bad.body).not.toContain('<script>alert');
    expect(l.closed).toBe(false);
    const good = await rawRequest(`${l.redirectUri}?code=1&state=good`);
    expect(good.status).toBe(200);
    await expect.poll(() => l.closed).toBe(true);
  });

  it('shows a readable error page when the accepted callback fails, then closes', async () => {
    const port = await freePort();
    const l = await open([`http://127.0.0.1:${port}/callback`], () => ({
      kind: 'accept',
      completion: Promise.resolve({ ok: false, message: 'Sign-in was declined at the sign-in page.' }),
    }));
    const res = await rawRequest(`${l.redirectUri}?error=access_denied&state=s`);
    expect(res.status).toBe(400);
    expect(res.body).toContain('Sign-in was declined');
    await expect.poll(() => l.closed).toBe(true);
  });

  it('falls back to the next registered URI when a port is taken', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    blockers.push(await occupy(p1));
    const l = await open([`http://127.0.0.1:${p1}/callback`, `http://127.0.0.1:${p2}/callback`], acceptOk);
    expect(l.redirectUri).toBe(`http://127.0.0.1:${p2}/callback`);
  });

  it('all ports busy -> REDIRECT_PORTS_BUSY naming every port', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    blockers.push(await occupy(p1), await occupy(p2));
    const err = await openLoopbackListener({
      redirectUris: [`http://127.0.0.1:${p1}/callback`, `http://localhost:${p2}/callback`],
      onCallback: acceptOk,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('REDIRECT_PORTS_BUSY');
    expect((err as AppError).message).toContain(`127.0.0.1:${p1}`);
    expect((err as AppError).message).toContain(`:${p2}`);
  });

  it('for localhost binds 127.0.0.1 and ::1 (where IPv6 exists), never all interfaces', async () => {
    const port = await freePort();
    const l = await open([`http://localhost:${port}/callback`], acceptOk);
    const addrs = l.addresses.map((a) => a.address).sort();
    // ::1 is bound exactly when this machine has an IPv6 loopback (the namespace test below
    // makes one certainly exist and asserts both there).
    expect(addrs).toEqual(hasIPv6Loopback() ? ['127.0.0.1', '::1'] : ['127.0.0.1']);
    for (const a of l.addresses) expect(a.port).toBe(port);
    if (hasIPv6Loopback()) {
      const v6 = await rawRequest(`http://localhost:${port}/callback?code=1&state=2`, { connectTo: '::1' });
      expect(v6.status).toBe(200);
    } else {
      const v4 = await rawRequest(`http://localhost:${port}/callback?code=1&state=2`, {
        connectTo: '127.0.0.1',
      });
      expect(v4.status).toBe(200);
    }
  });

  it('is unreachable from a non-loopback address (a namespace of its own with a LAN interface)', async () => {
    const result = await runInLanNamespace<{
      addresses: { literal: string[]; localhost: string[] };
      outcomes: Record<string, string>;
    }>('test/auth/support/lan-probe.ts');
    expect(result).toEqual({
      addresses: { literal: ['127.0.0.1'], localhost: ['127.0.0.1', '::1'] },
      outcomes: {
        [`literal via ${LAN_IPV4}`]: 'ECONNREFUSED',
        [`literal via ${LAN_IPV6}`]: 'ECONNREFUSED',
        [`localhost via ${LAN_IPV4}`]: 'ECONNREFUSED',
        [`localhost via ${LAN_IPV6}`]: 'ECONNREFUSED',
        // The same listeners answer on loopback, so the refusals above are the binding, not a dead probe.
        'localhost via ::1': 'connected',
        'literal via 127.0.0.1': 'connected',
      },
    });
  });
});
