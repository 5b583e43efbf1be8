/**
 * Discovery and the JWKS kept in the data folder (provider-disk-cache.ts), against the real local
 * pool and keychain: a cold start with a stored session and a warm cache makes no discovery or
 * JWKS request before its token is ready for the first API call (one token request); a rotated
 * signing key (unknown kid), a kept key that no longer verifies, and a copy over a day old are
 * fetched again and written back; a profile with another issuer, domain or client drops the file.
 * Requests are counted on the wire the sessions use (a recording NetTransport).
 */
import { generateKeyPair, exportJWK } from 'jose';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderCache } from '../../src/main/auth/provider-cache';
import {
  createProviderDiskCache,
  PROVIDER_MAX_AGE_MS,
  providerCacheFile,
} from '../../src/main/auth/provider-disk-cache';
import type { Session } from '../../src/main/auth/session';
import { defaultNodeTransport } from '../../src/main/net/default-transport';
import type { NetTransport } from '../../src/main/net/transport';
import { leakedSecrets, startHarness, type Harness } from './support/harness';

let h: Harness;
let dir: string;
let file: string;
const sessions: Session[] = [];

/** The requests a session sends, by kind, on its own transport. */
function recording(): { transport: NetTransport; count: (kind: 'discovery' | 'jwks' | 'token') => number } {
  const base = defaultNodeTransport();
  const urls: string[] = [];
  const transport: NetTransport = {
    kind: base.kind,
    fetch: (url, init) => {
      urls.push(String(url));
      return base.fetch(url, init);
    },
    ...(base.request
      ? {
          request: (url: string | URL, init?: Parameters<NonNullable<NetTransport['request']>>[1]) => {
            urls.push(String(url));
            return base.request!(url, init);
          },
        }
      : {}),
    setProxy: (s) => base.setProxy(s),
    describe: (u) => base.describe(u),
    close: async () => undefined,
  };
  const patterns = {
    discovery: /\/\.well-known\/openid-configuration$/,
    jwks: /\/\.well-known\/jwks\.json$/,
    token: /\/oauth2\/token$/,
  };
  return { transport, count: (kind) => urls.filter((u) => patterns[kind].test(u)).length };
}

/** A new app start: a fresh in-memory cache over the same data folder, and a session on it. */
function coldStart() {
  const wire = recording();
  const providers = createProviderCache({ disk: createProviderDiskCache({ dir }) });
  const session = h.newSession({ providers, transport: wire.transport });
  sessions.push(session);
  h.track(session);
  return { session, wire };
}

const kept = () =>
  JSON.parse(readFileSync(file, 'utf8')) as {
    issuer: string;
    domain: string;
    clientId: string;
    discovery: { at: number; metadata: { jwks_uri: string } };
    jwks?: { at: number; set: { keys: Array<{ kid: string; n: string }> } };
  };

async function signedInAndReady(session: Session) {
  await session.start();
  expect(session.getState()).toMatchObject({ status: 'signed-in', connectivity: 'online' });
  // What the API client awaits before its first request.
  h.secrets.add(await session.getAccessToken());
}

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(path.join(os.tmpdir(), 'provider-disk-cache-'));
  file = providerCacheFile(dir, h.profile.id);
});

afterAll(async () => {
  for (const s of sessions) await s.dispose();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('discovery and JWKS kept in the data folder', () => {
  it('the first run: a sign-in with an empty data folder discovers and fetches the JWKS once, and keeps both', async () => {
    const first = coldStart();
    await first.session.signIn();
    h.secrets.add(await first.session.getAccessToken());
    expect(first.wire.count('discovery')).toBe(1);
    await expect.poll(() => kept().jwks?.set.keys.length ?? 0).toBeGreaterThan(0);
    expect(first.wire.count('jwks')).toBe(1);
    await first.session.dispose();
  }, 60_000);

  it('is a private file naming the provider it was fetched for, with public documents only', async () => {
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(kept()).toMatchObject({
      issuer: h.profile.issuer,
      domain: h.profile.domain,
      clientId: h.profile.clientId,
      discovery: { metadata: { jwks_uri: h.pool.jwksUri } },
    });
    h.emitted.push(readFileSync(file, 'utf8'));
    expect(leakedSecrets(h)).toEqual([]);
  });

  it('a cold start with a stored session: one token request, no discovery or JWKS request before the first API call', async () => {
    const { session, wire } = coldStart();
    await signedInAndReady(session);
    expect({
      discovery: wire.count('discovery'),
      jwks: wire.count('jwks'),
      token: wire.count('token'),
    }).toEqual({
      discovery: 0,
      jwks: 0,
      token: 1,
    });
    await session.dispose();
  }, 30_000);

  it('a token signed with a key the kept set does not have (unknown kid): the JWKS is fetched once and kept', async () => {
    const { kid } = await h.pool.rotateAccessTokenKey();
    expect(kept().jwks!.set.keys.map((k) => k.kid)).not.toContain(kid);
    const { session, wire } = coldStart();
    await signedInAndReady(session);
    expect({ discovery: wire.count('discovery'), jwks: wire.count('jwks') }).toEqual({
      discovery: 0,
      jwks: 1,
    });
    await expect.poll(() => kept().jwks!.set.keys.map((k) => k.kid)).toContain(kid);
    await session.dispose();
    // The next start has it.
    const next = coldStart();
    await signedInAndReady(next.session);
    expect(next.wire.count('jwks')).toBe(0);
    await next.session.dispose();
  }, 30_000);

  it('a kept key that no longer verifies (same kid, other key): fetched again once, the sign-in kept', async () => {
    const doc = kept();
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const impostor = await exportJWK(publicKey);
    doc.jwks!.set.keys = doc.jwks!.set.keys.map((k) => ({ ...k, n: impostor.n! }));
    writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
    const { session, wire } = coldStart();
    await signedInAndReady(session);
    expect({ discovery: wire.count('discovery'), jwks: wire.count('jwks') }).toEqual({
      discovery: 0,
      jwks: 1,
    });
    await expect.poll(() => kept().jwks!.set.keys.some((k) => k.n === impostor.n)).toBe(false);
    await session.dispose();
  }, 30_000);

  it('a copy over a day old is used at once and fetched again in the background, then written back', async () => {
    const doc = kept();
    const old = Date.now() - PROVIDER_MAX_AGE_MS - 60_000;
    doc.discovery.at = old;
    doc.jwks!.at = old;
    writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
    const { session, wire } = coldStart();
    await signedInAndReady(session);
    await expect.poll(() => wire.count('discovery')).toBe(1);
    await expect.poll(() => wire.count('jwks')).toBe(1);
    await expect.poll(() => kept().discovery.at).toBeGreaterThan(old);
    await expect.poll(() => kept().jwks!.at).toBeGreaterThan(old);
    expect(wire.count('token')).toBe(1);
    await session.dispose();
  }, 30_000);

  it.each([
    ['issuer', { issuer: 'http://127.0.0.1:1/us-east-1_Other' }],
    ['domain', { domain: 'http://127.0.0.1:1' }],
    ['client', { clientId: 'another0client0id001' }],
  ])('a profile with another %s drops the kept file and uses nothing of it', async (_field, change) => {
    const before = readFileSync(file, 'utf8');
    const disk = createProviderDiskCache({ dir });
    const { transport } = recording();
    expect(await disk.use({ ...h.profile, ...change }, { transport, requestMs: 2_000 })).toBeUndefined();
    expect(() => statSync(file)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    // Put it back for the next case; the unchanged profile still finds it.
    writeFileSync(file, before, { mode: 0o600 });
    expect(await disk.use(h.profile, { transport, requestMs: 2_000 })).toBeDefined();
  });

  it('no token or secret in anything the sessions published', () => {
    expect(leakedSecrets(h)).toEqual([]);
  });
});
