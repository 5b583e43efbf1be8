/**
 * The demo world's user-pool API and identity pool, as `npm start` and the aws helper's demo API
 * use them: alice (admin group, LocalPoolAdmin) may call the admin API and execute-api:Invoke;
 * bob (staff group, LocalPoolStaff) only the latter. Through the AWS SDK, unchanged but for `endpoint`.
 */
import {
  CognitoIdentityProviderClient,
  ListGroupsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createIamAuthority,
  DEMO_ADMIN_CREDENTIALS,
  DEMO_IDENTITY_POOL_ID,
  DEMO_ROLES,
  demoPoolDefinition,
  startUserPool,
  type RunningUserPool,
} from '../../tools/user-pool';
import { signInForTokens } from './support/http-sign-in';

describe('the demo world: groups with roles and an identity pool', () => {
  let pool: RunningUserPool;
  const clients: CognitoIdentityProviderClient[] = [];
  const demoClient = demoPoolDefinition.clients[0]!;

  beforeAll(async () => {
    pool = await startUserPool({ definition: demoPoolDefinition, port: 0 });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await pool?.close();
  });

  const credentialsOf = async (username: 'alice' | 'bob') => {
    const user = demoPoolDefinition.users.find((u) => u.username === username)!;
    const tokens = await signInForTokens(pool, {
      clientId: demoClient.clientId,
      redirectUri: demoClient.callbackUrls[0]!,
      username,
      password: user.password,
    });
    const provider = fromCognitoIdentityPool({
      identityPoolId: DEMO_IDENTITY_POOL_ID,
      logins: { [pool.issuer.replace(/^https?:\/\//, '')]: tokens.id_token },
      clientConfig: { region: pool.region, endpoint: pool.identityApiEndpoint },
    });
    return { tokens, provider };
  };
  type Credentials = NonNullable<
    ConstructorParameters<typeof CognitoIdentityProviderClient>[0]
  >['credentials'];
  const idp = (credentials: Credentials) => {
    const c = new CognitoIdentityProviderClient({
      region: pool.region,
      endpoint: pool.idpApiEndpoint,
      maxAttempts: 1,
      credentials,
    });
    clients.push(c);
    return c;
  };

  it("alice's ID token names the admin role; her credentials list the pool's users", async () => {
    const { tokens, provider } = await credentialsOf('alice');
    expect(decodeJwt(tokens.id_token)).toMatchObject({
      'cognito:groups': ['admin'],
      'cognito:preferred_role': DEMO_ROLES.admin,
    });
    const users = await idp(provider).send(new ListUsersCommand({ UserPoolId: pool.userPoolId }));
    expect(users.Users?.map((u) => u.Username)).toEqual(['alice', 'bob']);
    const verified = await createIamAuthority(demoPoolDefinition).verify(
      await signedBy(await provider()),
      'execute-api',
    );
    expect(verified).toMatchObject({ ok: true, principal: { roleArn: DEMO_ROLES.admin } });
  });

  it('bob (staff) may invoke APIs but not list users', async () => {
    const { provider } = await credentialsOf('bob');
    await expect(
      idp(provider).send(new ListUsersCommand({ UserPoolId: pool.userPoolId })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    const iam = createIamAuthority(demoPoolDefinition);
    const verified = await iam.verify(await signedBy(await provider()), 'execute-api');
    if (!verified.ok) throw new Error(verified.code);
    expect(verified.principal.roleArn).toBe(DEMO_ROLES.staff);
    expect(iam.authorize(verified.principal, 'execute-api:Invoke')).toEqual({ ok: true });
  });

  it("the demo's static admin credentials work for scripts", async () => {
    const groups = await idp(DEMO_ADMIN_CREDENTIALS).send(
      new ListGroupsCommand({ UserPoolId: pool.userPoolId }),
    );
    expect(groups.Groups?.map((g) => [g.GroupName, g.RoleArn])).toEqual([
      ['admin', DEMO_ROLES.admin],
      ['staff', DEMO_ROLES.staff],
    ]);
  });
});

async function signedBy(credentials: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}) {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('@aws-crypto/sha256-js');
  const signer = new SignatureV4({
    credentials,
    region: 'us-east-1',
    service: 'execute-api',
    sha256: Sha256,
  });
  const request = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: '/notes',
    headers: { host: '127.0.0.1:9230' },
  });
  return { method: 'GET', url: '/notes', headers: { ...request.headers }, body: '' };
}
