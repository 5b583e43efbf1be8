/**
 * Groups with roles in ID tokens, identity pools through the AWS SDK for JavaScript v3
 * (`@aws-sdk/client-cognito-identity` and `fromCognitoIdentityPool`, pointed at the pool with
 * `endpoint`), and the IAM authority's SigV4 verification of requests signed with the
 * credentials the identity pool issued.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { createIamAuthority, type SignedRequest } from '../../tools/user-pool/iam';
import {
  APP_CLIENT,
  awsPoolDefinition,
  CALLBACK,
  NO_GUEST_ROLE_POOL,
  OTHER_CLIENT,
  REGION,
  ROLES,
  RULES_POOL,
  SHORT_POOL,
  TOKEN_POOL,
  users,
  waitUntilPast,
} from './support/aws-world';
import { signInForTokens } from './support/http-sign-in';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Signs a request as the SDK does (the field's own signer), for the authority to verify. */
async function signed(
  creds: Creds,
  options: { body?: string; service?: string; date?: Date; region?: string } = {},
): Promise<SignedRequest> {
  const body = options.body ?? '{"UserPoolId":"x"}';
  const signer = new SignatureV4({
    credentials: creds,
    region: options.region ?? REGION,
    service: options.service ?? 'execute-api',
    sha256: Sha256,
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8080,
      path: '/items',
      query: { page: '2' },
      headers: { host: '127.0.0.1:8080', 'content-type': 'application/json', 'x-custom': 'one' },
      body,
    },
    options.date ? { signingDate: options.date } : {},
  );
  return { method: 'POST', url: '/items?page=2', headers: { ...request.headers }, body };
}

describe('identity pools and IAM', () => {
  let pool: RunningUserPool;
  const definition = awsPoolDefinition();
  const iam = createIamAuthority(definition);
  let identity: CognitoIdentityClient;

  const signIn = (who: keyof typeof users, clientId = APP_CLIENT) =>
    signInForTokens(pool, { clientId, redirectUri: CALLBACK, ...users[who] });
  const loginKey = () => pool.issuer.replace(/^https?:\/\//, '');

  beforeAll(async () => {
    pool = await startUserPool({ definition, port: 0 });
    identity = new CognitoIdentityClient({ region: REGION, endpoint: pool.identityApiEndpoint });
  });

  afterAll(async () => {
    identity?.destroy();
    await pool?.close();
  });

  it('puts cognito:roles and cognito:preferred_role in ID tokens of users in groups with roles', async () => {
    const alice = decodeJwt((await signIn('alice')).id_token);
    expect(alice['cognito:groups']).toEqual(['admin']);
    expect(alice['cognito:roles']).toEqual([ROLES.admin]);
    expect(alice['cognito:preferred_role']).toBe(ROLES.admin);
    // Two groups at the same precedence with different roles: no preferred role (Cognito's rule).
    const dave = decodeJwt((await signIn('dave')).id_token);
    expect(dave['cognito:roles']).toEqual([ROLES.admin, ROLES.peer]);
    expect(dave).not.toHaveProperty('cognito:preferred_role');
    // A group without a role: no role claims; access tokens never carry them.
    const carol = await signIn('carol');
    expect(decodeJwt(carol.id_token)).not.toHaveProperty('cognito:roles');
    expect(decodeJwt(carol.access_token)).not.toHaveProperty('cognito:roles');
  });

  it('GetId returns one stable IdentityId per user and identity pool', async () => {
    const a1 = await signIn('alice');
    const a2 = await signIn('alice');
    const b = await signIn('bob');
    const id = async (token: string, poolId = TOKEN_POOL) =>
      (await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [loginKey()]: token } })))
        .IdentityId;
    const first = await id(a1.id_token);
    expect(first).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
    expect(await id(a2.id_token)).toBe(first);
    expect(await id(b.id_token)).not.toBe(first);
    expect(await id(a1.id_token, RULES_POOL)).not.toBe(first);
  });

  it('GetCredentialsForIdentity issues one-hour ASIA credentials for the preferred role, which verify and authorize', async () => {
    const { id_token } = await signIn('alice');
    const logins = { [loginKey()]: id_token };
    const { IdentityId } = await identity.send(
      new GetIdCommand({ IdentityPoolId: TOKEN_POOL, Logins: logins }),
    );
    const out = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
    const c = out.Credentials;
    expect(out.IdentityId).toBe(IdentityId);
    expect(c?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c?.SecretKey).toBeTruthy();
    expect(c?.SessionToken).toBeTruthy();
    expect(c?.Expiration).toBeInstanceOf(Date);
    const lifetime = (c?.Expiration?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    const creds = {
      accessKeyId: c?.AccessKeyId ?? '',
      secretAccessKey: c?.SecretKey ?? '',
      sessionToken: c?.SessionToken ?? '',
    };
    const verified = await iam.verify(await signed(creds), 'execute-api');
    expect(verified).toMatchObject({
      ok: true,
      principal: { roleArn: ROLES.admin, accessKeyId: creds.accessKeyId, identityId: IdentityId },
    });
    if (!verified.ok) throw new Error('unreachable');
    expect(verified.principal.arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/PoolAdmin/CognitoIdentityCredentials',
    );
    expect(iam.authorize(verified.principal, 'execute-api:Invoke').ok).toBe(true);
    expect(iam.authorize(verified.principal, 'cognito-idp:AdminDisableUser').ok).toBe(true);
    const denied = iam.authorize(
      verified.principal,
      'cognito-idp:DeleteUserPool',
      'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/x',
    );
    expect(denied).toMatchObject({ ok: false, code: 'AccessDeniedException' });
    if (denied.ok) throw new Error('unreachable');
    expect(denied.message).toContain('is not authorized to perform: cognito-idp:DeleteUserPool on resource:');
  });

  it("fromCognitoIdentityPool gets bob the staff role's credentials", async () => {
    const { id_token } = await signIn('bob');
    const provider = fromCognitoIdentityPool({
      identityPoolId: TOKEN_POOL,
      logins: { [loginKey()]: id_token },
      clientConfig: { region: REGION, endpoint: pool.identityApiEndpoint },
    });
    const creds = await provider();
    const verified = await iam.verify(await signed(creds), 'execute-api');
    expect(verified).toMatchObject({ ok: true, principal: { roleArn: ROLES.staff } });
    if (!verified.ok) throw new Error('unreachable');
    expect(iam.authorize(verified.principal, 'execute-api:Invoke').ok).toBe(true);
    expect(iam.authorize(verified.principal, 'cognito-idp:ListUsers')).toMatchObject({
      ok: false,
      code: 'AccessDeniedException',
    });
  });

  it('role mappings: CustomRoleArn from cognito:roles, the ambiguous fallback, Rules and Deny', async () => {
    const roleOf = async (who: keyof typeof users, poolId: string, customRoleArn?: string) => {
      const { id_token } = await signIn(who);
      const logins = { [loginKey()]: id_token };
      const { IdentityId } = await identity.send(
        new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }),
      );
      const out = await identity.send(
        new GetCredentialsForIdentityCommand({
          IdentityId,
          Logins: logins,
          ...(customRoleArn ? { CustomRoleArn: customRoleArn } : {}),
        }),
      );
      const c = out.Credentials;
      const v = await iam.verify(
        await signed({
          accessKeyId: c?.AccessKeyId ?? '',
          secretAccessKey: c?.SecretKey ?? '',
          sessionToken: c?.SessionToken ?? '',
        }),
        'execute-api',
      );
      return v.ok ? v.principal.roleArn : v.code;
    };
    // dave: two roles, no preferred one -> ambiguous -> the authenticated role; or pick one of his.
    expect(await roleOf('dave', TOKEN_POOL)).toBe(ROLES.authenticated);
    expect(await roleOf('dave', TOKEN_POOL, ROLES.peer)).toBe(ROLES.peer);
    await expect(roleOf('dave', TOKEN_POOL, ROLES.staff)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    // carol: no role claims -> authenticated role.
    expect(await roleOf('carol', TOKEN_POOL)).toBe(ROLES.authenticated);
    // Rules: carol by email, bob by group; alice matches none and the pool denies the ambiguous.
    expect(await roleOf('carol', RULES_POOL)).toBe(ROLES.carol);
    expect(await roleOf('bob', RULES_POOL)).toBe(ROLES.staff);
    await expect(roleOf('alice', RULES_POOL)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it("answers Cognito Identity's errors by name", async () => {
    const alice = await signIn('alice');
    const other = await signIn('alice', OTHER_CLIENT);
    const getId = (poolId: string, token?: string) =>
      identity.send(
        new GetIdCommand({ IdentityPoolId: poolId, ...(token ? { Logins: { [loginKey()]: token } } : {}) }),
      );
    await expect(
      getId('eu-west-1:99999999-9999-4999-8999-999999999999', alice.id_token),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(getId(TOKEN_POOL, other.id_token)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid login token. Incorrect token audience.',
    });
    await expect(getId(TOKEN_POOL, alice.access_token)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    const tampered = `${alice.id_token.slice(0, -4)}AAAA`;
    await expect(getId(TOKEN_POOL, tampered)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(
      identity.send(
        new GetIdCommand({
          IdentityPoolId: TOKEN_POOL,
          Logins: { 'cognito-idp.eu-west-1.amazonaws.com/x': alice.id_token },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(getId(RULES_POOL)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported for this identity pool.',
    });
    // A guest of a pool without an unauthenticated role: the configuration is at fault.
    const guest = await getId(NO_GUEST_ROLE_POOL);
    await expect(
      identity.send(new GetCredentialsForIdentityCommand({ IdentityId: guest.IdentityId })),
    ).rejects.toMatchObject({ name: 'InvalidIdentityPoolConfigurationException' });
    await expect(
      identity.send(
        new GetCredentialsForIdentityCommand({
          IdentityId: 'eu-west-1:99999999-9999-4999-8999-999999999999',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // Another user's token for this identity.
    const { IdentityId } = await getId(TOKEN_POOL, alice.id_token);
    const bob = await signIn('bob');
    await expect(
      identity.send(
        new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [loginKey()]: bob.id_token } }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('guests get the unauthenticated role when the pool allows them', async () => {
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: TOKEN_POOL }));
    const out = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    const c = out.Credentials;
    const v = await iam.verify(
      await signed({
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretKey ?? '',
        sessionToken: c?.SessionToken ?? '',
      }),
      'execute-api',
    );
    expect(v).toMatchObject({ ok: true, principal: { roleArn: ROLES.unauthenticated } });
  });

  it('serverSideTokenCheck refuses the ID token of a globally signed-out user', async () => {
    const { id_token } = await signIn('bob');
    const logins = { [loginKey()]: id_token };
    const { IdentityId } = await identity.send(
      new GetIdCommand({ IdentityPoolId: TOKEN_POOL, Logins: logins }),
    );
    await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
    await pool.globalSignOut('bob');
    await expect(
      identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins })),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    // A pool without the check still takes the (offline-valid) token.
    const rules = await identity.send(new GetIdCommand({ IdentityPoolId: RULES_POOL, Logins: logins }));
    await expect(
      identity.send(new GetCredentialsForIdentityCommand({ IdentityId: rules.IdentityId, Logins: logins })),
    ).resolves.toMatchObject({ Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/) } });
  });

  describe('SigV4 verification refuses with the error names AWS uses', () => {
    let creds: Creds;
    let expiring: Creds & { expiration: Date };

    beforeAll(async () => {
      const { id_token } = await signIn('alice');
      const logins = { [loginKey()]: id_token };
      const get = async (poolId: string) => {
        const { IdentityId } = await identity.send(
          new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }),
        );
        const c = (await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins })))
          .Credentials;
        return {
          accessKeyId: c?.AccessKeyId ?? '',
          secretAccessKey: c?.SecretKey ?? '',
          sessionToken: c?.SessionToken ?? '',
          expiration: c?.Expiration ?? new Date(),
        };
      };
      creds = await get(TOKEN_POOL);
      expiring = await get(SHORT_POOL);
    });

    const code = async (request: SignedRequest | Promise<SignedRequest>, service = 'execute-api') => {
      const result = await iam.verify(await request, service);
      return result.ok ? 'ok' : result.code;
    };

    it('accepts the untouched request, and the admin credentials', async () => {
      expect(await code(signed(creds))).toBe('ok');
      expect(await code(signed(definition.adminCredentials!))).toBe('ok');
    });

    it('no Authorization header: MissingAuthenticationTokenException', async () => {
      const request = await signed(creds);
      delete request.headers['authorization'];
      expect(await code(request)).toBe('MissingAuthenticationTokenException');
    });

    it('a wrong secret: InvalidSignatureException', async () => {
      expect(await code(signed({ ...creds, secretAccessKey: `${creds.secretAccessKey}x` }))).toBe(
        'InvalidSignatureException',
      );
      expect(
        await code(signed({ ...definition.adminCredentials!, secretAccessKey: 'not-the-admin-secret-0001' })),
      ).toBe('InvalidSignatureException');
    });

    it('a signed header or the body changed after signing: InvalidSignatureException', async () => {
      const header = await signed(creds);
      header.headers['x-custom'] = 'two';
      expect(await code(header)).toBe('InvalidSignatureException');
      const body = await signed(creds);
      body.body = '{"UserPoolId":"y"}';
      expect(await code(body)).toBe('InvalidSignatureException');
      const query = await signed(creds);
      query.url = '/items?page=3';
      expect(await code(query)).toBe('InvalidSignatureException');
    });

    it('an x-amz-content-sha256 header that does not match the body: InvalidSignatureException', async () => {
      // The signer trusts this header as the payload hash; the authority checks it against the body.
      const signer = new SignatureV4({
        credentials: creds,
        region: REGION,
        service: 'execute-api',
        sha256: Sha256,
      });
      const hashOf = async (text: string) => {
        const h = new Sha256();
        h.update(text);
        return Buffer.from(await h.digest()).toString('hex');
      };
      const request = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: '/items',
        headers: { host: '127.0.0.1:8080', 'x-amz-content-sha256': await hashOf('{"a":1}') },
        body: '{"a":1}',
      });
      const sent: SignedRequest = {
        method: 'POST',
        url: '/items',
        headers: { ...request.headers },
        body: '{"a":1}',
      };
      expect(await code(sent)).toBe('ok');
      expect(await code({ ...sent, body: '{"a":2}' })).toBe('InvalidSignatureException');
    });

    it('a date 16 minutes off either way: InvalidSignatureException (Signature expired / not yet current)', async () => {
      const past = await iam.verify(
        await signed(creds, { date: new Date(Date.now() - 16 * 60_000) }),
        'execute-api',
      );
      expect(past).toMatchObject({
        ok: false,
        code: 'InvalidSignatureException',
        message: expect.stringMatching(/^Signature expired: /),
      });
      const future = await iam.verify(
        await signed(creds, { date: new Date(Date.now() + 16 * 60_000) }),
        'execute-api',
      );
      expect(future).toMatchObject({
        ok: false,
        code: 'InvalidSignatureException',
        message: expect.stringMatching(/^Signature not yet current/),
      });
      expect(await code(signed(creds, { date: new Date(Date.now() - 14 * 60_000) }))).toBe('ok');
    });

    it('another region or service in the scope: InvalidSignatureException', async () => {
      expect(await code(signed(creds, { region: 'us-east-1' }))).toBe('InvalidSignatureException');
      expect(await code(signed(creds), 'cognito-idp')).toBe('InvalidSignatureException');
    });

    it('temporary credentials without their session token, or a forged one: UnrecognizedClientException', async () => {
      expect(
        await code(signed({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey })),
      ).toBe('UnrecognizedClientException');
      expect(await code(signed({ ...creds, sessionToken: `${creds.sessionToken}x` }))).toBe(
        'UnrecognizedClientException',
      );
      expect(await code(signed({ ...creds, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }))).toBe(
        'UnrecognizedClientException',
      );
      expect(
        await code(signed({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'whatever-secret-0001' })),
      ).toBe('UnrecognizedClientException');
    });

    it('expired credentials: ExpiredTokenException', async () => {
      expect(expiring.expiration.getTime() - Date.now()).toBeLessThanOrEqual(2000);
      expect(await code(signed(expiring))).toBe('ok');
      await waitUntilPast(expiring.expiration);
      expect(await code(signed(expiring))).toBe('ExpiredTokenException');
    });

    it('another server with the same definition verifies the same credentials', async () => {
      expect(
        (await createIamAuthority(awsPoolDefinition()).verify(await signed(creds), 'execute-api')).ok,
      ).toBe(true);
      const otherWorld = { ...awsPoolDefinition(), userPoolId: 'eu-west-1_Elsewhere1' };
      expect((await createIamAuthority(otherWorld).verify(await signed(creds), 'execute-api')).ok).toBe(
        false,
      );
    });
  });
});
