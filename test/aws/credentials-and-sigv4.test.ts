/**
 * AWS credentials in main and SigV4 APIs, against the real local pool (identity pool, IAM) and
 * the demo API in IAM mode, through createAppServices as the app composes it:
 *  - alice signs in; main gets credentials with GetId + GetCredentialsForIdentity; the state
 *    shows identity id, role name and expiry (and no credential);
 *  - a sigv4 API call is signed by main (no bearer) and accepted; the demo API answers unsigned,
 *    badly signed and unauthorised requests as API Gateway's AWS_IAM does;
 *  - sign-out drops the credentials; the identity id is cached per user and profile, so the next
 *    sign-in skips GetId;
 *  - many concurrent callers on stale credentials make one identity-pool round;
 *  - an API that keeps saying "expired" costs one forced renewal, then AWS_CREDENTIALS_REJECTED.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_CACHE_FILE } from '../../src/main/aws/identity-id-cache';
import { AppError } from '../../src/shared/errors';
import type { ApiResponse } from '../../src/shared/ipc-contract';
import type { SessionState } from '../../src/shared/session-state';
import { createIamAuthority } from '../../tools/user-pool/iam';
import { ROLES, ipcContext, startAwsAppWorld, type AwsAppWorld } from './support/aws-app-world';

let world: AwsAppWorld;
beforeAll(async () => {
  world = await startAwsAppWorld();
});
afterAll(async () => {
  await world?.close();
});

const ready = (s: SessionState) => s.status === 'signed-in' && s.aws?.status === 'ready';
const request = (path: string, requestId: string) =>
  world.services.handlers.invoke['api:request'](
    { requestId, api: 'iam', method: 'GET', path },
    ipcContext,
  ) as Promise<ApiResponse>;

async function signedFetch(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
) {
  const u = new URL(url);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: 'us-east-1',
    credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'GET',
      protocol: u.protocol,
      hostname: u.hostname,
      port: Number(u.port),
      path: u.pathname,
      headers: { host: u.host },
    }),
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k !== 'host'));
  return fetch(url, { headers });
}

describe('AWS credentials in main and SigV4 APIs', () => {
  it("alice gets identity-pool credentials, the state shows identity id, role and expiry, a sigv4 API accepts main's signature", async () => {
    const signedIn = await world.signIn('alice');
    expect(signedIn.status).toBe('signed-in');
    const state = await world.nextState(ready);
    if (state.status !== 'signed-in' || state.aws?.status !== 'ready') throw new Error('no credentials');
    expect(state.aws.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(state.aws.roleName).toBe('LocalPoolAdmin');
    expect(state.aws.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(JSON.stringify(state)).not.toMatch(/ASIA|SessionToken|SecretKey|eyJ/);

    const me = await request('/me', 'me1');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: 'json',
      value: { sub: state.aws.identityId, username: 'LocalPoolAdmin' },
    });
    expect(me.retried).toBeUndefined();
  });

  it('the demo API answers as API Gateway AWS_IAM: no signature, a bad one, unknown credentials', async () => {
    const url = `${world.demoApi.url}/me`;
    const unsigned = await fetch(url);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');

    const admin = world.definition.adminCredentials!;
    const good = await signedFetch(url, admin);
    expect(good.status).toBe(200);
    const wrongSecret = await signedFetch(url, { ...admin, secretAccessKey: `${admin.secretAccessKey}x` });
    expect(wrongSecret.status).toBe(403);
    expect(((await wrongSecret.json()) as { message: string }).message).toMatch(
      /^The request signature we calculated does not match/,
    );
    const unknown = await signedFetch(url, {
      accessKeyId: 'ASIAAAAAAAAAAAAAAAAA',
      secretAccessKey: 'x',
      sessionToken: 'y',
    });
    expect(unknown.status).toBe(403);
    expect(await unknown.json()).toEqual({
      message: 'The security token included in the request is invalid.',
    });
  });

  it('a role without execute-api:Invoke gets API Gateway\'s "not authorized" 403', async () => {
    const issued = createIamAuthority(world.definition).issueCredentials({
      roleArn: ROLES.authenticated,
      identityId: 'us-east-1:00000000-0000-4000-8000-000000000000',
      lifetimeSeconds: 600,
    });
    const response = await signedFetch(`${world.demoApi.url}/me`, issued);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(((await response.json()) as { message: string }).message).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/LocalPoolAuthenticated/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:demoapi/local/GET/me',
    );
  });

  it('sign-out drops the credentials; the identity id is cached per user and profile, so the next sign-in skips GetId', async () => {
    const before = world.services.session.getState();
    if (before.status !== 'signed-in' || before.aws?.status !== 'ready') throw new Error('not ready');
    await world.services.handlers.invoke['auth:sign-out']({ endHostedUiSession: false }, ipcContext);
    const out = world.services.session.getState();
    expect(out.status).toBe('signed-out');
    await expect(request('/me', 'after-out')).rejects.toSatisfy(
      (e) => e instanceof AppError && (e.code === 'SIGN_IN_REQUIRED' || e.code === 'CANCELLED'),
    );
    const cache = JSON.parse(readFileSync(path.join(world.dataDir, IDENTITY_CACHE_FILE), 'utf8')) as {
      entries: Record<string, string>;
    };
    expect(Object.values(cache.entries)).toContain(before.aws.identityId);
    expect(JSON.stringify(cache)).not.toMatch(/ASIA|eyJ/);

    const getIdBefore = world.awsTargets().filter((t) => t.endsWith('.GetId')).length;
    expect(getIdBefore).toBe(1);
    await world.signIn('alice');
    const again = await world.nextState(ready);
    if (again.status !== 'signed-in' || again.aws?.status !== 'ready') throw new Error('no credentials');
    expect(again.aws.identityId).toBe(before.aws.identityId);
    const targets = world.awsTargets();
    expect(targets.filter((t) => t.endsWith('.GetId')).length).toBe(getIdBefore);
    expect(targets.filter((t) => t.endsWith('.GetCredentialsForIdentity')).length).toBeGreaterThanOrEqual(2);
  });
});
