import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { demoPoolDefinition } from '../../tools/user-pool';
import { startCallbackServer, type CallbackServer } from './support/callback-server';
import { authorizeUrl, CookieJar, get, httpSignIn, pkcePair } from './support/http-sign-in';
import { testPoolDefinition, TEST_CLIENT_ID } from './support/pool-fixtures';

const root = path.resolve(import.meta.dirname, '../..');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function runCli(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/user-pool/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function readyLine(run: Run, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (!run.stdout().includes('\n')) {
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(`no ready line; stderr: ${run.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return JSON.parse(run.stdout().split('\n')[0] ?? '') as Record<string, unknown>;
}

describe('npm run user-pool (the CLI)', () => {
  let dir: string;
  let callbacks: CallbackServer;
  const running: Run[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'user-pool-cli-'));
    callbacks = await startCallbackServer();
  });

  afterEach(async () => {
    for (const run of running.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  afterAll(async () => {
    await callbacks?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--config and --port 0: one JSON ready line on stdout; openid-client signs in; SIGTERM closes cleanly', async () => {
    const file = path.join(dir, 'pool.json');
    writeFileSync(file, JSON.stringify(testPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl)));
    const run = runCli(['--port', '0', '--config', file]);
    running.push(run);
    const ready = await readyLine(run);
    expect(Object.keys(ready).sort()).toEqual(
      [
        'clients',
        'domain',
        'event',
        'identityApiEndpoint',
        'idpApiEndpoint',
        'issuer',
        'issuerType',
        'jwksUri',
        'region',
        'userPoolId',
      ].sort(),
    );
    // The user-pool API and identity pools, as cognito-idp / cognito-identity.<region>.amazonaws.com/.
    expect(ready['idpApiEndpoint']).toBe(`${String(ready['domain'])}/`);
    expect(ready['identityApiEndpoint']).toBe(`${String(ready['domain'])}/`);
    expect(ready['event']).toBe('ready');
    expect(ready['region']).toBe('eu-west-1');
    expect(ready['userPoolId']).toBe('eu-west-1_TestPool9');
    const domain = String(ready['domain']);
    expect(domain).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready['issuer']).toBe(`${domain}/eu-west-1_TestPool9`);
    expect(ready['jwksUri']).toBe(`${domain}/eu-west-1_TestPool9/.well-known/jwks.json`);
    expect((ready['clients'] as Array<{ clientId: string }>).map((c) => c.clientId)).toContain(
      TEST_CLIENT_ID,
    );

    const config = await client.discovery(
      new URL(String(ready['issuer'])),
      TEST_CLIENT_ID,
      undefined,
      client.None(),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const signIn = await httpSignIn(
      { domain },
      {
        clientId: TEST_CLIENT_ID,
        redirectUri: callbacks.callbackUrl,
        username: 'carol',
        password: 'Carol-test-1!',
      },
    );
    const tokens = await client.authorizationCodeGrant(
      config,
      new URL(`${callbacks.callbackUrl}?code=${encodeURIComponent(signIn.code)}&state=${signIn.state}`),
      { pkceCodeVerifier: signIn.verifier, expectedState: signIn.state, expectedNonce: signIn.nonce },
    );
    expect(tokens.claims()?.['cognito:username']).toBe('carol');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stdout().trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr()).not.toMatch(/eyJ/);
    await expect(fetch(`${domain}/oauth2/token`, { method: 'POST' })).rejects.toThrow();
  });

  it('without --config: the demo pool, demo passwords on the login page; SIGINT closes cleanly', async () => {
    const run = runCli(['--port', '0']);
    running.push(run);
    const ready = await readyLine(run);
    expect(ready['userPoolId']).toBe('us-east-1_LocalPool1');
    expect(ready['clients']).toEqual([{ clientId: 'localdemo0desktop0client01' }]);
    const domain = String(ready['domain']);
    const demoClient = demoPoolDefinition.clients[0];
    const jar = new CookieJar();
    const authorize = await get(
      authorizeUrl(
        { domain },
        {
          client_id: demoClient?.clientId,
          response_type: 'code',
          redirect_uri: demoClient?.callbackUrls[0],
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        },
      ),
      jar,
    );
    const login = await get(new URL(authorize.headers.get('location') ?? '', domain).href, jar);
    const html = await login.text();
    expect(html).toContain('Alice-demo-1!');
    expect(html).toContain('Bob-demo-1!');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  const badConfigs: Array<[string, (d: ReturnType<typeof testPoolDefinition>) => unknown, RegExp]> = [
    ['a malformed userPoolId', (d) => ({ ...d, userPoolId: 'not-a-pool' }), /userPoolId/],
    [
      'an http callback URL on a non-loopback host',
      (d) => ({ ...d, clients: [{ ...d.clients[0], callbackUrls: ['http://example.com/callback'] }] }),
      /clients\[0\]\.callbackUrls\[0\]/,
    ],
    [
      'a user without email',
      (d) => ({ ...d, users: [{ username: 'x', password: 'y' }] }),
      /users\[0\]\.email/,
    ],
    ['an unknown field', (d) => ({ ...d, extra: true }), /extra/],
    [
      'a retry grace period over 60 s',
      (d) => ({
        ...d,
        clients: [{ ...d.clients[0], refreshTokenRotation: { retryGracePeriodSeconds: 61 } }],
      }),
      /clients\[0\]\.refreshTokenRotation/,
    ],
    [
      'a default redirect URI that is not a callback URL',
      (d) => ({ ...d, clients: [{ ...d.clients[0], defaultRedirectUri: 'http://127.0.0.1:1/other' }] }),
      /clients\[0\]\.defaultRedirectUri/,
    ],
    [
      'a zero rate limit',
      (d) => ({ ...d, rateLimits: { userAuthentication: 0 } }),
      /rateLimits\.userAuthentication/,
    ],
    [
      'a readAttributes entry that is no attribute',
      (d) => ({ ...d, clients: [{ ...d.clients[0], readAttributes: ['password'] }] }),
      /clients\[0\]\.readAttributes\[0\]/,
    ],
  ];
  for (const [name, mutate, field] of badConfigs) {
    it(`refuses ${name} at start, naming the field, and starts nothing`, async () => {
      const file = path.join(dir, `bad-${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(
        file,
        JSON.stringify(mutate(testPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl))),
      );
      const run = runCli(['--port', '0', '--config', file]);
      running.push(run);
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toMatch(field);
      expect(run.stdout()).toBe('');
    });
  }

  it('--rate-limit RPS: over the UserAuthentication quota the token endpoint answers 429 too_many_requests', async () => {
    const file = path.join(dir, 'pool-rate.json');
    writeFileSync(file, JSON.stringify(testPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl)));
    const run = runCli(['--port', '0', '--config', file, '--rate-limit', '1']);
    running.push(run);
    const domain = String((await readyLine(run))['domain']);
    const refresh = () =>
      fetch(`${domain}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: 'x',
          client_id: TEST_CLIENT_ID,
        }),
      });
    const first = await refresh();
    expect(first.status).toBe(400);
    const second = await refresh();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    expect(await second.json()).toEqual({ error: 'too_many_requests' });
    const badRate = runCli(['--port', '0', '--rate-limit', 'fast']);
    running.push(badRate);
    expect(await badRate.exited).toBe(2);
    expect(badRate.stderr()).toMatch(/--rate-limit/);
  });

  it('refuses a config that is not JSON, and a bad --port', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "region": ');
    const notJson = runCli(['--config', file, '--port', '0']);
    running.push(notJson);
    expect(await notJson.exited).toBe(1);
    expect(notJson.stderr()).toMatch(/not valid JSON/);
    const badPort = runCli(['--port', 'abc']);
    running.push(badPort);
    expect(await badPort.exited).toBe(2);
    expect(badPort.stderr()).toMatch(/--port/);
  });
});
