import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/app-services';
import type { ProfileChangeRequest } from '../../src/main/config/profile-change-confirmation';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createInProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck } from '../../src/main/ipc/senders';
import { createLogger } from '../../src/main/log/logger';
import { CLIENT_ID, startHarness, type Harness } from './support/harness';

/**
 * Issue 24 item 1: a compromised renderer could take the user's refresh token. The keychain entry
 * was keyed by `<profileId>:<clientId>` only, `profiles:save` refused only organisation ids, and
 * the reload restarted the edited profile's session from the keychain: a page running script
 * saved a profile with the same id and client id but its own issuer and domain, and the app sent
 * the stored refresh token to the attacker's token endpoint.
 *
 * Against the real local pool (signed in through the Hosted UI in Chromium) and a hostile
 * authorization server on another port that records every request it receives. Two defences:
 * the stored session is bound to where it came from (a restore under a profile that points
 * elsewhere revokes it at the pool and removes it), and the change itself needs main's native
 * confirmation (here a stand-in port that records what it was asked and answers as told).
 */

const APP_URL = 'app://cognito-desktop/index.html';
const sender = { id: 7, mainFrameUrl: APP_URL, senderFrame: { url: APP_URL, isMainFrame: true } };

interface Received {
  method: string;
  url: string;
  body: string;
}

let h: Harness;
let hostile: Server;
let hostileOrigin = '';
const received: Received[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'steal-rt-'));
const running: AppServices[] = [];

/** A hostile "Cognito": discovery and every endpoint on its own origin; it records everything. */
function startHostile(): Promise<void> {
  hostile = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('/.well-known/openid-configuration')) {
        const issuer = `${hostileOrigin}/us-east-1_LocalPool1`;
        res.end(
          JSON.stringify({
            issuer,
            authorization_endpoint: `${hostileOrigin}/oauth2/authorize`,
            token_endpoint: `${hostileOrigin}/oauth2/token`,
            revocation_endpoint: `${hostileOrigin}/oauth2/revoke`,
            jwks_uri: `${hostileOrigin}/.well-known/jwks.json`,
            response_types_supported: ['code'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
          }),
        );
        return;
      }
      res.end('{}');
    });
  });
  return new Promise((resolve) =>
    hostile.listen(0, '127.0.0.1', () => {
      const address = hostile.address();
      hostileOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      resolve();
    }),
  );
}

/** The profile file entry for the harness's pool (what the user added in Settings). */
function legitProfile(): Record<string, unknown> {
  const p = h.profile;
  return {
    id: p.id,
    label: 'Corp',
    region: p.region,
    userPoolId: p.userPoolId,
    clientId: p.clientId,
    domain: p.domain,
    issuer: p.issuer,
    scopes: p.scopes,
    redirect: p.redirect,
    ...(p.signOutUrl ? { signOutUrl: p.signOutUrl } : {}),
    apis: [],
  };
}

function app(userData: string, initialAnswer: boolean) {
  const asked: ProfileChangeRequest[] = [];
  /** What the person answers in the dialog (the stand-in port's answer). */
  const person = { answer: initialAnswer };
  const services = createAppServices({
    userDataDir: userData,
    argv: [],
    env: {},
    allowDevOverrides: false,
    openExternal: (url) => h.openExternal(url),
    logger: createLogger({ sink: (line) => h.emitted.push(line), level: 'debug' }),
    sessionOptions: { timeouts: { requestMs: 2_000, revokeMs: 2_000 } },
    confirmProfileChange: async (request) => {
      asked.push(request);
      return person.answer;
    },
  });
  running.push(services);
  const registrar = createInProcessRegistrar();
  registerInvokeHandlers(
    {
      registrar,
      senderCheck: createSenderCheck({ appUrls: [APP_URL], isAppWebContents: (id) => id === sender.id }),
    },
    services.handlers.invoke,
  );
  return {
    services,
    asked,
    person,
    invoke: (channel: string, payload: unknown) => registrar.invoke(channel, sender, payload),
  };
}

/** A fresh user-data folder holding `profile`, signed in for real at the pool. */
async function signedInApp(name: string) {
  const userData = path.join(dir, name);
  const file = path.join(userData, 'profiles.json');
  const first = app(userData, true);
  await first.invoke('profiles:save', { profile: legitProfile() });
  const state = await first.services.session.signIn();
  expect(state.status).toBe('signed-in');
  const refreshToken = (await h.storedRefreshToken()) as string;
  expect(refreshToken).toEqual(expect.any(String));
  first.person.answer = false; // from here on, the person declines whatever is asked
  return { ...first, userData, file, refreshToken };
}

/** Whether the pool still honours the refresh token (a real refresh_token grant at the pool). */
async function poolAccepts(refreshToken: string): Promise<boolean> {
  const res = await fetch(`${h.pool.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: refreshToken,
    }),
  });
  return res.ok;
}

beforeAll(async () => {
  h = await startHarness();
  await startHostile();
});
afterAll(async () => {
  for (const s of running) await s.dispose();
  await h?.close();
  await new Promise((resolve) => hostile?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('a compromised renderer can take the refresh token (issue 24 item 1)', () => {
  it('a profile saved with the same id and client id but a hostile issuer and domain never gets the token', async () => {
    const victim = await signedInApp('attack');
    received.length = 0;
    const revokesBefore = h.pool.counters.revokeRequests;

    // The attack as described, step 1: the renderer saves the look-alike profile. Main asks the
    // person (naming the hostile origin); here the person says no.
    const attack = {
      ...legitProfile(),
      issuer: `${hostileOrigin}/us-east-1_LocalPool1`,
      domain: hostileOrigin,
    };
    const answered = await victim.invoke('profiles:save', { profile: attack });
    expect(answered).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(victim.asked.at(-1)).toMatchObject({
      kind: 'edit',
      id: h.profile.id,
      changed: ['issuer', 'domain'],
      origins: [hostileOrigin],
      signsOut: true,
    });

    // Step 2: the same change lands in profiles.json by another way (the file written behind the
    // dialog's back) and the app starts again: the stored session is bound to the pool.
    writeFileSync(victim.file, JSON.stringify({ profiles: [attack] }));
    await victim.services.dispose();
    const restarted = app(victim.userData, false);
    const state = await restarted.services.start();
    expect(state).toMatchObject({ status: 'signed-out' });

    // The hostile side received nothing at all: no token request, no discovery.
    expect(received).toEqual([]);
    // Revoked where it came from, and removed.
    expect(h.pool.counters.revokeRequests).toBe(revokesBefore + 1);
    expect(await poolAccepts(victim.refreshToken)).toBe(false);
    expect(await h.keychainEntries()).toBe(0);
    expect(h.emitted.join('\n')).not.toContain(victim.refreshToken);
  });

  for (const field of ['issuer', 'domain'] as const) {
    it(`a restore under a profile whose ${field} alone changed sends the token nowhere, revokes it at the pool and starts signed out`, async () => {
      const victim = await signedInApp(`field-${field}`);
      await victim.services.dispose();
      received.length = 0;
      const revokesBefore = h.pool.counters.revokeRequests;
      const changed =
        field === 'issuer'
          ? { ...legitProfile(), issuer: `${hostileOrigin}/us-east-1_LocalPool1` }
          : { ...legitProfile(), domain: hostileOrigin };
      writeFileSync(victim.file, JSON.stringify({ profiles: [changed] }));
      const restarted = app(victim.userData, false);
      expect(await restarted.services.start()).toMatchObject({ status: 'signed-out' });
      expect(received).toEqual([]);
      expect(h.pool.counters.revokeRequests).toBe(revokesBefore + 1);
      expect(await poolAccepts(victim.refreshToken)).toBe(false);
      expect(await h.keychainEntries()).toBe(0);
      await restarted.services.dispose();
    });
  }

  it('the same profile restores its own session (control: the binding matches)', async () => {
    const victim = await signedInApp('control');
    await victim.services.dispose();
    const restarted = app(victim.userData, false);
    expect(await restarted.services.start()).toMatchObject({ status: 'signed-in' });
    await restarted.services.dispose();
  });

  it('the dialog declined leaves the old profile in place and signed in', async () => {
    const victim = await signedInApp('declined');
    const before = readFileSync(victim.file, 'utf8');
    victim.asked.length = 0; // the add that set the profile up
    for (const change of [
      { domain: hostileOrigin },
      { clientId: 'otherclient000000001' },
      { clientSecret: 'a-new-secret' },
      { apis: [{ name: 'evil', baseUrl: hostileOrigin }] },
      { network: { proxy: { url: hostileOrigin } } },
    ]) {
      const answer = await victim.invoke('profiles:save', { profile: { ...legitProfile(), ...change } });
      expect(answer).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    }
    expect(victim.asked.map((r) => r.changed)).toEqual([
      ['domain'],
      ['clientId'],
      ['clientSecret'],
      ['apis'],
      ['proxy'],
    ]);
    expect(victim.asked.every((r) => r.signsOut)).toBe(true);
    expect(readFileSync(victim.file, 'utf8')).toBe(before);
    expect(victim.services.profiles.active()?.domain).toBe(h.pool.domain);
    expect(victim.services.session.getState()).toMatchObject({ status: 'signed-in' });
    expect(await h.storedRefreshToken()).toBe(victim.refreshToken);

    // A label alone changes nothing where tokens go: no dialog, still signed in.
    const renamed = await victim.invoke('profiles:save', {
      profile: { ...legitProfile(), label: 'Corp (renamed)' },
    });
    expect(renamed).toMatchObject({ ok: true });
    expect(victim.asked).toHaveLength(5);
    expect(victim.services.session.getState()).toMatchObject({ status: 'signed-in' });
    await victim.services.dispose();
  });

  it('a confirmed edit of the signed-in profile signs it out first: revoked at the pool, then applied', async () => {
    const userData = path.join(dir, 'confirmed');
    const victim = app(userData, true);
    await victim.invoke('profiles:save', { profile: legitProfile() });
    expect((await victim.services.session.signIn()).status).toBe('signed-in');
    const refreshToken = (await h.storedRefreshToken()) as string;
    received.length = 0;
    const revokesBefore = h.pool.counters.revokeRequests;
    const edited = { ...legitProfile(), apis: [{ name: 'orders', baseUrl: hostileOrigin }] };
    victim.person.answer = true;
    expect(await victim.invoke('profiles:save', { profile: edited })).toMatchObject({ ok: true });
    expect(victim.asked.at(-1)).toMatchObject({ kind: 'edit', changed: ['apis'], signsOut: true });
    expect(h.pool.counters.revokeRequests).toBe(revokesBefore + 1);
    expect(await poolAccepts(refreshToken)).toBe(false);
    expect(victim.services.session.getState()).toMatchObject({ status: 'signed-out' });
    expect(victim.services.profiles.active()?.apis[0]?.baseUrl).toBe(hostileOrigin);
    expect(received).toEqual([]);
    await victim.services.dispose();
  });
});
