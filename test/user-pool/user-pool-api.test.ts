/**
 * The user-pool API (Cognito Identity Provider, JSON 1.1) through the AWS SDK for JavaScript v3
 * (`@aws-sdk/client-cognito-identity-provider`, pointed at the pool with `endpoint`, otherwise
 * unchanged): the access-token operations, the SigV4-signed admin operations with the admin
 * credentials and with identity-pool credentials, and the errors by Cognito's names.
 */
import { createHmac } from 'node:crypto';

import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  DeleteUserAttributesCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  RevokeTokenCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import {
  ADMIN_KEYS,
  APP_CLIENT,
  awsPoolDefinition,
  OTHER_CLIENT,
  POOL_ID,
  REGION,
  ROTATING_CLIENT,
  SECRET,
  SECRET_CLIENT,
  SHORT_POOL,
  TOKEN_POOL,
  users,
  waitUntilPast,
} from './support/aws-world';
import { tokenRequest } from './support/http-sign-in';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

describe('the user-pool API through the AWS SDK', () => {
  let pool: RunningUserPool;
  let idp: CognitoIdentityProviderClient;
  let admin: CognitoIdentityProviderClient;
  const clients: Array<{ destroy(): void }> = [];

  const client = (credentials?: Credentials | (() => Promise<Credentials>)) => {
    const c = new CognitoIdentityProviderClient({
      region: REGION,
      endpoint: pool.idpApiEndpoint,
      maxAttempts: 1,
      ...(credentials ? { credentials } : {}),
    });
    clients.push(c);
    return c;
  };

  const passwordAuth = async (who: keyof typeof users, clientId = APP_CLIENT) => {
    const out = await idp.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: users[who].username, PASSWORD: users[who].password },
      }),
    );
    const r = out.AuthenticationResult;
    if (!r?.AccessToken || !r.IdToken || !r.RefreshToken) throw new Error('no tokens');
    return { access: r.AccessToken, id: r.IdToken, refresh: r.RefreshToken, expiresIn: r.ExpiresIn };
  };

  const oauthRefresh = (refreshToken: string, clientId = APP_CLIENT) =>
    tokenRequest(pool, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });

  beforeAll(async () => {
    pool = await startUserPool({ definition: awsPoolDefinition(), port: 0 });
    idp = client();
    admin = client(ADMIN_KEYS);
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await pool?.close();
  });

  describe('with an access token', () => {
    it('InitiateAuth USER_PASSWORD_AUTH returns Cognito tokens; GetUser answers the user and attributes', async () => {
      const tokens = await passwordAuth('alice');
      expect(tokens.expiresIn).toBe(3600);
      expect(decodeJwt(tokens.access)).toMatchObject({
        token_use: 'access',
        username: 'alice',
        client_id: APP_CLIENT,
      });
      expect(decodeJwt(tokens.id)).toMatchObject({ 'cognito:username': 'alice', aud: APP_CLIENT });
      const user = await idp.send(new GetUserCommand({ AccessToken: tokens.access }));
      expect(user.Username).toBe('alice');
      expect(user.UserAttributes?.[0]?.Name).toBe('sub');
      expect(user.UserAttributes).toEqual(
        expect.arrayContaining([
          { Name: 'email', Value: 'alice@example.com' },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: 'Alice A' },
        ]),
      );
    });

    it('UpdateUserAttributes and DeleteUserAttributes change what GetUser and the next ID token say', async () => {
      const tokens = await passwordAuth('carol');
      const updated = await idp.send(
        new UpdateUserAttributesCommand({
          AccessToken: tokens.access,
          UserAttributes: [
            { Name: 'given_name', Value: 'Caroline' },
            { Name: 'custom:team', Value: 'green' },
          ],
        }),
      );
      expect(updated.CodeDeliveryDetailsList).toEqual([]);
      const attrs = (await idp.send(new GetUserCommand({ AccessToken: tokens.access }))).UserAttributes;
      expect(attrs).toEqual(
        expect.arrayContaining([
          { Name: 'given_name', Value: 'Caroline' },
          { Name: 'custom:team', Value: 'green' },
        ]),
      );
      const refreshed = await idp.send(
        new GetTokensFromRefreshTokenCommand({ ClientId: APP_CLIENT, RefreshToken: tokens.refresh }),
      );
      expect(decodeJwt(refreshed.AuthenticationResult?.IdToken ?? '')).toMatchObject({
        given_name: 'Caroline',
        'custom:team': 'green',
      });
      await idp.send(
        new DeleteUserAttributesCommand({ AccessToken: tokens.access, UserAttributeNames: ['given_name'] }),
      );
      const after = (await idp.send(new GetUserCommand({ AccessToken: tokens.access }))).UserAttributes ?? [];
      expect(after.map((a) => a.Name)).not.toContain('given_name');
      // A new email is unverified until confirmed, and Cognito reports where the code went.
      const email = await idp.send(
        new UpdateUserAttributesCommand({
          AccessToken: tokens.access,
          UserAttributes: [{ Name: 'email', Value: 'caro@example.net' }],
        }),
      );
      expect(email.CodeDeliveryDetailsList).toEqual([
        { Destination: 'c***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
      ]);
      const user = (await idp.send(new GetUserCommand({ AccessToken: tokens.access }))).UserAttributes ?? [];
      expect(user).toEqual(
        expect.arrayContaining([
          { Name: 'email', Value: 'caro@example.net' },
          { Name: 'email_verified', Value: 'false' },
        ]),
      );
    });

    it('refuses bad attribute changes with InvalidParameterException and changes nothing', async () => {
      const tokens = await passwordAuth('alice');
      const bad = [
        [{ Name: 'sub', Value: 'x' }],
        [{ Name: 'shoe_size', Value: '9' }],
        [
          { Name: 'name', Value: 'Changed' },
          { Name: 'email', Value: 'not-an-email' },
        ],
      ];
      for (const UserAttributes of bad) {
        await expect(
          idp.send(new UpdateUserAttributesCommand({ AccessToken: tokens.access, UserAttributes })),
        ).rejects.toMatchObject({
          name: 'InvalidParameterException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      const attrs = (await idp.send(new GetUserCommand({ AccessToken: tokens.access }))).UserAttributes;
      expect(attrs).toEqual(expect.arrayContaining([{ Name: 'name', Value: 'Alice A' }]));
      await expect(
        idp.send(
          new DeleteUserAttributesCommand({ AccessToken: tokens.access, UserAttributeNames: ['email'] }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });

    it('access-token errors: invalid, missing scope, and the auth-flow rules', async () => {
      await expect(idp.send(new GetUserCommand({ AccessToken: 'eyJub3Q.aJ.token' }))).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'Invalid Access Token',
      });
      const alice = await passwordAuth('alice');
      await expect(idp.send(new GetUserCommand({ AccessToken: alice.id }))).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
      // OTHER_CLIENT's tokens lack aws.cognito.signin.user.admin (USER_PASSWORD_AUTH is off there, so the Hosted UI).
      await expect(passwordAuth('alice', OTHER_CLIENT)).rejects.toMatchObject({
        name: 'InvalidParameterException',
        message: 'USER_PASSWORD_AUTH flow not enabled for this client',
      });
      const { signInForTokens } = await import('./support/http-sign-in');
      const narrow = await signInForTokens(pool, {
        clientId: OTHER_CLIENT,
        redirectUri: 'com.example.awstest:/callback',
        ...users.alice,
      });
      await expect(idp.send(new GetUserCommand({ AccessToken: narrow.access_token }))).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'Access Token does not have required scopes',
      });
      await expect(
        idp.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: APP_CLIENT,
            AuthParameters: { USERNAME: 'alice', PASSWORD: 'wrong' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      await expect(
        idp.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: 'nosuchclient',
            AuthParameters: { USERNAME: 'a', PASSWORD: 'b' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('a client with a secret needs SECRET_HASH (and its ClientSecret for GetTokensFromRefreshToken)', async () => {
      const params = { USERNAME: 'bob', PASSWORD: users.bob.password };
      await expect(
        idp.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: SECRET_CLIENT,
            AuthParameters: params,
          }),
        ),
      ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      const hash = createHmac('sha256', SECRET).update(`bob${SECRET_CLIENT}`).digest('base64');
      const out = await idp.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: SECRET_CLIENT,
          AuthParameters: { ...params, SECRET_HASH: hash },
        }),
      );
      const refreshToken = out.AuthenticationResult?.RefreshToken ?? '';
      await expect(
        idp.send(
          new GetTokensFromRefreshTokenCommand({ ClientId: SECRET_CLIENT, RefreshToken: refreshToken }),
        ),
      ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      const refreshed = await idp.send(
        new GetTokensFromRefreshTokenCommand({
          ClientId: SECRET_CLIENT,
          ClientSecret: SECRET,
          RefreshToken: refreshToken,
        }),
      );
      expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
    });

    it('REFRESH_TOKEN_AUTH refreshes without a new refresh token; refused when the client rotates, where GetTokensFromRefreshToken rotates', async () => {
      const tokens = await passwordAuth('bob');
      const out = await idp.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: APP_CLIENT,
          AuthParameters: { REFRESH_TOKEN: tokens.refresh },
        }),
      );
      expect(out.AuthenticationResult?.AccessToken).toBeTruthy();
      expect(out.AuthenticationResult?.RefreshToken).toBeUndefined();
      expect(decodeJwt(out.AuthenticationResult?.AccessToken ?? '')['origin_jti']).toBe(
        decodeJwt(tokens.access)['origin_jti'],
      );

      const { signInForTokens } = await import('./support/http-sign-in');
      const rotating = await signInForTokens(pool, {
        clientId: ROTATING_CLIENT,
        redirectUri: 'com.example.awstest:/callback',
        ...users.bob,
      });
      await expect(
        idp.send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: ROTATING_CLIENT,
            AuthParameters: { REFRESH_TOKEN: rotating.refresh_token },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
      const rotated = await idp.send(
        new GetTokensFromRefreshTokenCommand({
          ClientId: ROTATING_CLIENT,
          RefreshToken: rotating.refresh_token,
        }),
      );
      const next = rotated.AuthenticationResult?.RefreshToken ?? '';
      expect(next.split('.')).toHaveLength(5);
      expect(next).not.toBe(rotating.refresh_token);
      // Grace 0: the rotated-away token is done.
      await expect(
        idp.send(
          new GetTokensFromRefreshTokenCommand({
            ClientId: ROTATING_CLIENT,
            RefreshToken: rotating.refresh_token,
          }),
        ),
      ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      await expect(
        idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: APP_CLIENT, RefreshToken: 'garbage' })),
      ).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'Invalid Refresh Token',
      });
    });

    it('RevokeToken revokes the refresh token and its family; an access token is UnsupportedTokenTypeException', async () => {
      const tokens = await passwordAuth('dave');
      await expect(
        idp.send(new RevokeTokenCommand({ ClientId: APP_CLIENT, Token: tokens.access })),
      ).rejects.toMatchObject({
        name: 'UnsupportedTokenTypeException',
      });
      await idp.send(new RevokeTokenCommand({ ClientId: APP_CLIENT, Token: tokens.refresh }));
      expect((await oauthRefresh(tokens.refresh)).body).toEqual({ error: 'invalid_grant' });
      await expect(
        idp.send(
          new GetTokensFromRefreshTokenCommand({ ClientId: APP_CLIENT, RefreshToken: tokens.refresh }),
        ),
      ).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'Refresh Token has been revoked',
      });
      await expect(idp.send(new GetUserCommand({ AccessToken: tokens.access }))).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'Access Token has been revoked',
      });
    });

    it('GlobalSignOut ends every sign-in of the user: refresh invalid_grant, GetUser "Access Token has been revoked"', async () => {
      const first = await passwordAuth('dave');
      const second = await passwordAuth('dave');
      await idp.send(new GlobalSignOutCommand({ AccessToken: first.access }));
      for (const t of [first, second]) {
        expect((await oauthRefresh(t.refresh)).body).toEqual({ error: 'invalid_grant' });
        await expect(idp.send(new GetUserCommand({ AccessToken: t.access }))).rejects.toMatchObject({
          name: 'NotAuthorizedException',
          message: 'Access Token has been revoked',
        });
      }
      // A new sign-in works.
      const again = await passwordAuth('dave');
      expect((await idp.send(new GetUserCommand({ AccessToken: again.access }))).Username).toBe('dave');
    });
  });

  describe('admin operations, SigV4-signed', () => {
    it('ListUsers with Filter and pagination, AdminGetUser', async () => {
      const all = await admin.send(new ListUsersCommand({ UserPoolId: POOL_ID }));
      expect(all.Users?.map((u) => u.Username)).toEqual(['alice', 'bob', 'carol', 'dave']);
      expect(all.Users?.[0]).toMatchObject({
        Enabled: true,
        UserStatus: 'CONFIRMED',
        UserCreateDate: expect.any(Date),
      });
      const byEmail = await admin.send(
        new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'email ^= "alice@"' }),
      );
      expect(byEmail.Users?.map((u) => u.Username)).toEqual(['alice']);
      const exact = await admin.send(
        new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'username = "bob"', AttributesToGet: ['email'] }),
      );
      expect(exact.Users?.[0]?.Attributes).toEqual([{ Name: 'email', Value: 'bob@example.com' }]);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await admin.send(
          new ListUsersCommand({ UserPoolId: POOL_ID, Limit: 3, PaginationToken: token }),
        );
        seen.push(...(page.Users ?? []).map((u) => u.Username ?? ''));
        token = page.PaginationToken;
        pages += 1;
      } while (token && pages < 5);
      expect(pages).toBe(2);
      expect(seen).toEqual(['alice', 'bob', 'carol', 'dave']);
      const user = await admin.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'alice' }));
      expect(user).toMatchObject({ Username: 'alice', Enabled: true, UserStatus: 'CONFIRMED' });
      expect(user.UserAttributes).toEqual(
        expect.arrayContaining([{ Name: 'email', Value: 'alice@example.com' }]),
      );
    });

    it('groups: ListGroups, AdminListGroupsForUser, ListUsersInGroup, add and remove (the next ID token follows)', async () => {
      const groups = await admin.send(new ListGroupsCommand({ UserPoolId: POOL_ID }));
      expect(groups.Groups?.find((g) => g.GroupName === 'admin')).toMatchObject({
        Description: 'Administrators',
        RoleArn: 'arn:aws:iam::123456789012:role/PoolAdmin',
        Precedence: 1,
        UserPoolId: POOL_ID,
      });
      expect(
        (
          await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: POOL_ID, Username: 'bob' }))
        ).Groups?.map((g) => g.GroupName),
      ).toEqual(['staff']);
      const tokens = await passwordAuth('bob');
      await admin.send(
        new AdminAddUserToGroupCommand({ UserPoolId: POOL_ID, Username: 'bob', GroupName: 'admin' }),
      );
      expect(
        (
          await admin.send(new ListUsersInGroupCommand({ UserPoolId: POOL_ID, GroupName: 'admin' }))
        ).Users?.map((u) => u.Username),
      ).toContain('bob');
      const refreshed = await idp.send(
        new GetTokensFromRefreshTokenCommand({ ClientId: APP_CLIENT, RefreshToken: tokens.refresh }),
      );
      const id = decodeJwt(refreshed.AuthenticationResult?.IdToken ?? '');
      expect(id['cognito:groups']).toEqual(['staff', 'admin']);
      expect(id['cognito:preferred_role']).toBe('arn:aws:iam::123456789012:role/PoolAdmin');
      await admin.send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId: POOL_ID, Username: 'bob', GroupName: 'admin' }),
      );
      expect(
        (
          await admin.send(new ListUsersInGroupCommand({ UserPoolId: POOL_ID, GroupName: 'admin' }))
        ).Users?.map((u) => u.Username),
      ).not.toContain('bob');
      await expect(
        admin.send(
          new AdminAddUserToGroupCommand({ UserPoolId: POOL_ID, Username: 'bob', GroupName: 'nosuch' }),
        ),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    });

    it('AdminDisableUser: no sign-in, no refresh, access tokens revoked; AdminEnableUser: the refresh token works again', async () => {
      const tokens = await passwordAuth('carol');
      await admin.send(new AdminDisableUserCommand({ UserPoolId: POOL_ID, Username: 'carol' }));
      expect(
        (await admin.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'carol' }))).Enabled,
      ).toBe(false);
      await expect(passwordAuth('carol')).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'User is disabled.',
      });
      expect((await oauthRefresh(tokens.refresh)).body).toEqual({ error: 'invalid_grant' });
      await expect(
        idp.send(
          new GetTokensFromRefreshTokenCommand({ ClientId: APP_CLIENT, RefreshToken: tokens.refresh }),
        ),
      ).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'User is disabled.',
      });
      await expect(idp.send(new GetUserCommand({ AccessToken: tokens.access }))).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
      const disabled = await admin.send(
        new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'status = "Disabled"' }),
      );
      expect(disabled.Users?.map((u) => u.Username)).toEqual(['carol']);
      await admin.send(new AdminEnableUserCommand({ UserPoolId: POOL_ID, Username: 'carol' }));
      expect((await oauthRefresh(tokens.refresh)).status).toBe(200);
      // The access token issued before the disable stays revoked.
      await expect(idp.send(new GetUserCommand({ AccessToken: tokens.access }))).rejects.toMatchObject({
        message: 'Access Token has been revoked',
      });
    });

    it("AdminUserGlobalSignOut: the user's refresh tokens get invalid_grant", async () => {
      const tokens = await passwordAuth('dave');
      await admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: POOL_ID, Username: 'dave' }));
      expect((await oauthRefresh(tokens.refresh)).body).toEqual({ error: 'invalid_grant' });
      await expect(idp.send(new GetUserCommand({ AccessToken: tokens.access }))).rejects.toMatchObject({
        message: 'Access Token has been revoked',
      });
    });

    it('errors: UserNotFoundException, ResourceNotFoundException, InvalidParameterException, TooManyRequestsException', async () => {
      await expect(
        admin.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'nobody' })),
      ).rejects.toMatchObject({
        name: 'UserNotFoundException',
        message: 'User does not exist.',
      });
      await expect(admin.send(new ListUsersCommand({ UserPoolId: 'eu-west-1_Other' }))).rejects.toMatchObject(
        { name: 'ResourceNotFoundException' },
      );
      await expect(
        admin.send(new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'email contains "a"' })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      await expect(
        admin.send(new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'custom:team = "blue"' })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      await expect(
        admin.send(new ListUsersCommand({ UserPoolId: POOL_ID, PaginationToken: 'forged' })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      pool.setRateLimit('userList', 1);
      try {
        await admin.send(new ListUsersCommand({ UserPoolId: POOL_ID }));
        await expect(admin.send(new ListUsersCommand({ UserPoolId: POOL_ID }))).rejects.toMatchObject({
          name: 'TooManyRequestsException',
          $metadata: { httpStatusCode: 400 },
        });
      } finally {
        pool.setRateLimit('userList', undefined);
      }
    });

    it("identity-pool credentials: alice's admin role may, bob's staff role gets AccessDeniedException", async () => {
      const identity = new CognitoIdentityClient({ region: REGION, endpoint: pool.identityApiEndpoint });
      clients.push(identity);
      const credentialsOf = async (who: 'alice' | 'bob') => {
        const tokens = await passwordAuth(who);
        return fromCognitoIdentityPool({
          identityPoolId: TOKEN_POOL,
          logins: { [pool.issuer.replace(/^https?:\/\//, '')]: tokens.id },
          clientConfig: { region: REGION, endpoint: pool.identityApiEndpoint },
        });
      };
      const asAlice = client(await credentialsOf('alice'));
      expect(
        (await asAlice.send(new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'username = "bob"' })))
          .Users?.[0]?.Username,
      ).toBe('bob');
      await asAlice.send(new AdminDisableUserCommand({ UserPoolId: POOL_ID, Username: 'bob' }));
      await asAlice.send(new AdminEnableUserCommand({ UserPoolId: POOL_ID, Username: 'bob' }));
      const asBob = client(await credentialsOf('bob'));
      await expect(asBob.send(new ListUsersCommand({ UserPoolId: POOL_ID }))).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(
          'assumed-role/PoolStaff/CognitoIdentityCredentials is not authorized to perform: cognito-idp:ListUsers',
        ),
      });
      // Short-lived credentials (credentialsValiditySeconds 2): refused once expired.
      const tokens = await passwordAuth('alice');
      const logins = { [pool.issuer.replace(/^https?:\/\//, '')]: tokens.id };
      const { IdentityId } = await identity.send(
        new GetIdCommand({ IdentityPoolId: SHORT_POOL, Logins: logins }),
      );
      const c = (await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins })))
        .Credentials;
      const short = client({
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretKey ?? '',
        sessionToken: c?.SessionToken ?? '',
      });
      await short.send(new ListGroupsCommand({ UserPoolId: POOL_ID }));
      await waitUntilPast(c?.Expiration ?? new Date());
      await expect(short.send(new ListGroupsCommand({ UserPoolId: POOL_ID }))).rejects.toMatchObject({
        name: 'ExpiredTokenException',
      });
    });

    it('signature errors by name: unsigned, wrong secret, no session token', async () => {
      const res = await fetch(pool.idpApiEndpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers',
        },
        body: JSON.stringify({ UserPoolId: POOL_ID }),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(await res.json()).toEqual({
        __type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
      await expect(
        client({ ...ADMIN_KEYS, secretAccessKey: 'wrong-secret-key-000000001' }).send(
          new ListUsersCommand({ UserPoolId: POOL_ID }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
      await expect(
        client({ accessKeyId: 'ASIAUNKNOWNKEY000001', secretAccessKey: 'x'.repeat(30) }).send(
          new ListUsersCommand({ UserPoolId: POOL_ID }),
        ),
      ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    });

    it('an unknown operation or a body that is not JSON is refused by name', async () => {
      const send = (target: string, body: string) =>
        fetch(pool.idpApiEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
          body,
        });
      const unknown = await send('AWSCognitoIdentityProviderService.DeleteUserPool', '{}');
      expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
      const garbage = await send('AWSCognitoIdentityProviderService.GetUser', '{not json');
      expect(await garbage.json()).toMatchObject({ __type: 'SerializationException' });
      // The pool keeps serving.
      expect((await fetch(`${pool.issuer}/.well-known/openid-configuration`)).status).toBe(200);
    });
  });
});
