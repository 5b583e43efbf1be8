/**
 * The user-pool API's public operations (no signature; a token or client id in the body):
 * GetUser, UpdateUserAttributes, DeleteUserAttributes, GlobalSignOut (access token with
 * `aws.cognito.signin.user.admin`), RevokeToken, GetTokensFromRefreshToken and InitiateAuth
 * (REFRESH_TOKEN_AUTH / REFRESH_TOKEN, USER_PASSWORD_AUTH). Refresh, revoke and password sign-in
 * run through the pool's own /oauth2 endpoints (context.self), so faults, rate limits, rotation
 * grace and revocation behave exactly as there.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { STANDARD_PROFILE_ATTRIBUTES } from '../definition-schema';
import type { PoolUser } from '../accounts';
import type { AwsCall, AwsOperationTable } from '../aws-api-server';
import { AwsApiError, optionalString, requireString } from '../aws-json';
import type { InternalAnswer } from '../internal-request';
import { signInAlive, verifyPoolJwt } from '../pool-tokens';
import { clientDefinition, rotationOf } from '../provider-config';
import type { PoolClientDefinition } from '../types';
import type { IdpApiContext } from './context';
import { attributeList } from './shapes';

export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

/** Cognito's default ExplicitAuthFlows when a client sets none. */
const DEFAULT_AUTH_FLOWS = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'];

const notAuthorized = (message: string) => new AwsApiError('NotAuthorizedException', message);

/** The verified access token's user, or Cognito's NotAuthorizedException wording. */
export async function userOfAccessToken(
  ctx: IdpApiContext,
  token: string,
  options: { scope?: string } = {},
): Promise<{ user: PoolUser; claims: Record<string, unknown> }> {
  const verified = await verifyPoolJwt(ctx.tokens, token);
  if (!verified.ok) {
    throw notAuthorized(verified.reason === 'expired' ? 'Access Token has expired' : 'Invalid Access Token');
  }
  const claims = verified.claims;
  if (claims['token_use'] !== 'access') throw notAuthorized('Invalid Access Token');
  if (!(await signInAlive(ctx.tokens, claims))) throw notAuthorized('Access Token has been revoked');
  const user = ctx.users.bySub(String(claims['sub']));
  if (!user) throw new AwsApiError('UserNotFoundException', 'User does not exist.');
  if (user.enabled === false) throw notAuthorized('User is disabled.');
  // AdminDisableUser revokes the access tokens issued before it, for good.
  if (
    user.accessTokensRevokedBefore !== undefined &&
    Number(claims['iat']) * 1000 < user.accessTokensRevokedBefore
  ) {
    throw notAuthorized('Access Token has been revoked');
  }
  const scopes = String(claims['scope'] ?? '').split(' ');
  if (options.scope && !scopes.includes(options.scope)) {
    throw notAuthorized('Access Token does not have required scopes');
  }
  return { user, claims };
}

function client(ctx: IdpApiContext, clientId: string): PoolClientDefinition {
  const found = clientDefinition(ctx.definition, clientId);
  if (!found)
    throw new AwsApiError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  return found;
}

function equalSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** SECRET_HASH = Base64(HMAC-SHA256(client secret, username + client id)), as Cognito computes it. */
function secretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret)
    .update(username + clientId)
    .digest('base64');
}

function formBody(fields: Record<string, string | undefined>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  return form.toString();
}

function basicAuth(c: PoolClientDefinition): Record<string, string> {
  if (!c.clientSecret) return {};
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return {
    authorization: `Basic ${Buffer.from(`${enc(c.clientId)}:${enc(c.clientSecret)}`).toString('base64')}`,
  };
}

function json(answer: InternalAnswer): Record<string, unknown> {
  try {
    return JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** An /oauth2/token answer as the API's AuthenticationResult, or the API's error for it. */
function authenticationResult(answer: InternalAnswer, refused: string) {
  const body = json(answer);
  if (answer.status === 429) throw new AwsApiError('TooManyRequestsException', 'Rate exceeded');
  if (answer.status !== 200) {
    if (body['error'] === 'invalid_grant' || body['error'] === 'invalid_client') throw notAuthorized(refused);
    throw new AwsApiError('InternalErrorException', 'The token request failed.', 500);
  }
  return {
    AuthenticationResult: {
      AccessToken: body['access_token'],
      ExpiresIn: body['expires_in'],
      TokenType: 'Bearer',
      ...(typeof body['refresh_token'] === 'string' ? { RefreshToken: body['refresh_token'] } : {}),
      IdToken: body['id_token'],
    },
    ChallengeParameters: {},
  };
}

async function refresh(ctx: IdpApiContext, call: AwsCall, c: PoolClientDefinition, token: string) {
  const state = await ctx.refreshTokenState(token);
  if (state.issued && !state.active) throw notAuthorized('Refresh Token has been revoked');
  if (state.accountId !== undefined && !ctx.users.isEnabled(state.accountId))
    throw notAuthorized('User is disabled.');
  const answer = await ctx.self(call, {
    method: 'POST',
    path: '/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicAuth(c) },
    body: formBody({
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: c.clientSecret ? undefined : c.clientId,
    }),
  });
  return authenticationResult(answer, 'Invalid Refresh Token');
}

function checkAttributeName(ctx: IdpApiContext, name: string): void {
  const known =
    ctx.customAttributes.has(name) ||
    ['email', 'email_verified', 'phone_number', 'phone_number_verified'].includes(name) ||
    (STANDARD_PROFILE_ATTRIBUTES as readonly string[]).includes(name);
  if (name === 'sub')
    throw new AwsApiError('InvalidParameterException', 'Cannot modify the non-mutable attribute sub');
  if (!known)
    throw new AwsApiError('InvalidParameterException', `Attribute does not exist in the schema: ${name}`);
}

function setAttribute(user: PoolUser, name: string, value: string): void {
  switch (name) {
    case 'email':
      if (!/^[^@\s]+@[^@\s]+$/.test(value))
        throw new AwsApiError('InvalidParameterException', 'Invalid email address format.');
      if (value !== user.email) user.emailVerified = false;
      user.email = value;
      return;
    case 'phone_number':
      if (!/^\+\d{4,15}$/.test(value))
        throw new AwsApiError('InvalidParameterException', 'Invalid phone number format.');
      if (value !== user.phoneNumber) user.phoneNumberVerified = false;
      user.phoneNumber = value;
      return;
    case 'email_verified':
    case 'phone_number_verified': {
      if (value !== 'true' && value !== 'false') {
        throw new AwsApiError('InvalidParameterException', `${name} must be true or false.`);
      }
      if (name === 'email_verified') user.emailVerified = value === 'true';
      else user.phoneNumberVerified = value === 'true';
      return;
    }
    default:
      if (value.length > 2048) throw new AwsApiError('InvalidParameterException', `${name} is too long.`);
      user.attributes = { ...user.attributes, [name]: value };
  }
}

function attributeInput(input: Record<string, unknown>): Array<{ Name: string; Value: string }> {
  const list = input['UserAttributes'];
  if (!Array.isArray(list)) {
    throw new AwsApiError(
      'InvalidParameterException',
      "1 validation error detected: Value null at 'userAttributes' failed to satisfy constraint: Member must not be null",
    );
  }
  return list.map((item: unknown) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    return { Name: requireString(entry, 'Name'), Value: requireString(entry, 'Value') };
  });
}

/** `a***@e***`, as Cognito masks a CodeDeliveryDetails destination. */
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.charAt(0)}***@${domain.charAt(0)}***`;
}

export function accessTokenOperations(ctx: IdpApiContext): AwsOperationTable {
  return {
    GetUser: {
      auth: 'none',
      quota: 'userRead',
      async handle(input) {
        const { user, claims } = await userOfAccessToken(ctx, requireString(input, 'AccessToken'), {
          scope: ADMIN_SCOPE,
        });
        const c = clientDefinition(ctx.definition, String(claims['client_id'] ?? ''));
        return { Username: user.username, UserAttributes: attributeList(user, c?.readAttributes) };
      },
    },

    UpdateUserAttributes: {
      auth: 'none',
      quota: 'userUpdate',
      async handle(input) {
        const { user } = await userOfAccessToken(ctx, requireString(input, 'AccessToken'), {
          scope: ADMIN_SCOPE,
        });
        const changes = attributeInput(input);
        // All or nothing: validate every name and value on a copy first.
        const trial: PoolUser = { ...user, attributes: { ...user.attributes } };
        for (const { Name, Value } of changes) {
          checkAttributeName(ctx, Name);
          setAttribute(trial, Name, Value);
        }
        const emailChanged = trial.email !== user.email;
        Object.assign(user, trial, { modifiedAt: Date.now() });
        return {
          CodeDeliveryDetailsList: emailChanged
            ? [{ Destination: maskEmail(user.email), DeliveryMedium: 'EMAIL', AttributeName: 'email' }]
            : [],
        };
      },
    },

    DeleteUserAttributes: {
      auth: 'none',
      quota: 'userUpdate',
      async handle(input) {
        const { user } = await userOfAccessToken(ctx, requireString(input, 'AccessToken'), {
          scope: ADMIN_SCOPE,
        });
        const names = input['UserAttributeNames'];
        if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
          throw new AwsApiError(
            'InvalidParameterException',
            "1 validation error detected: Value null at 'userAttributeNames' failed to satisfy constraint: Member must not be null",
          );
        }
        for (const name of names as string[]) {
          checkAttributeName(ctx, name);
          // The pool's users always have an email (the definition requires it).
          if (name === 'email')
            throw new AwsApiError('InvalidParameterException', 'Cannot delete a required attribute: email');
        }
        const next: PoolUser = { ...user, attributes: { ...user.attributes } };
        for (const name of names as string[]) {
          if (name === 'email_verified') delete next.emailVerified;
          else if (name === 'phone_number') {
            delete next.phoneNumber;
            delete next.phoneNumberVerified;
          } else if (name === 'phone_number_verified') delete next.phoneNumberVerified;
          else delete next.attributes?.[name];
        }
        for (const key of ['emailVerified', 'phoneNumber', 'phoneNumberVerified'] as const) {
          if (!(key in next)) delete user[key];
        }
        Object.assign(user, next, { modifiedAt: Date.now() });
        return {};
      },
    },

    GlobalSignOut: {
      auth: 'none',
      quota: 'userUpdate',
      async handle(input) {
        const { user } = await userOfAccessToken(ctx, requireString(input, 'AccessToken'), {
          scope: ADMIN_SCOPE,
        });
        await ctx.globalSignOut(user.username);
        ctx.log(`user pool: ${user.username} signed out globally (GlobalSignOut)`);
        return {};
      },
    },

    RevokeToken: {
      auth: 'none',
      quota: 'userToken',
      async handle(input, call) {
        const token = requireString(input, 'Token');
        const c = client(ctx, requireString(input, 'ClientId'));
        const secret = optionalString(input, 'ClientSecret');
        if (c.clientSecret && (secret === undefined || !equalSecret(secret, c.clientSecret))) {
          throw new AwsApiError('UnauthorizedException', 'The client secret is missing or does not match.');
        }
        const answer = await ctx.self(call, {
          method: 'POST',
          path: '/oauth2/revoke',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicAuth(c) },
          body: formBody({ token, client_id: c.clientSecret ? undefined : c.clientId }),
        });
        if (answer.status === 200) return {};
        const error = json(answer)['error'];
        if (error === 'unsupported_token_type') {
          throw new AwsApiError('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked.');
        }
        if (error === 'invalid_request' && c.enableTokenRevocation === false) {
          throw new AwsApiError(
            'UnsupportedOperationException',
            'Token revocation is not enabled for this app client.',
          );
        }
        if (error === 'invalid_client')
          throw new AwsApiError('UnauthorizedException', 'The client is not authorized.');
        throw new AwsApiError('InvalidParameterException', 'The token could not be revoked.');
      },
    },

    GetTokensFromRefreshToken: {
      auth: 'none',
      // Counts against UserAuthentication in the token front (the /oauth2/token path it takes).
      async handle(input, call) {
        const token = requireString(input, 'RefreshToken');
        const c = client(ctx, requireString(input, 'ClientId'));
        const secret = optionalString(input, 'ClientSecret');
        if (c.clientSecret && (secret === undefined || !equalSecret(secret, c.clientSecret))) {
          throw notAuthorized(
            `Client ${c.clientId} is configured with secret but the secret is missing or wrong.`,
          );
        }
        const { AuthenticationResult } = await refresh(ctx, call, c, token);
        return { AuthenticationResult };
      },
    },

    InitiateAuth: {
      auth: 'none',
      // UserAuthentication: counted by the token front on the code or refresh grant it runs.
      async handle(input, call) {
        const flow = requireString(input, 'AuthFlow');
        const c = client(ctx, requireString(input, 'ClientId'));
        const params = (input['AuthParameters'] ?? {}) as Record<string, unknown>;
        if (typeof params !== 'object' || Array.isArray(params)) {
          throw new AwsApiError('InvalidParameterException', 'AuthParameters must be a map.');
        }
        const flows = c.explicitAuthFlows ?? DEFAULT_AUTH_FLOWS;
        if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
          if (rotationOf(c).enabled) {
            throw new AwsApiError(
              'InvalidParameterException',
              'REFRESH_TOKEN_AUTH is not available for app clients with refresh token rotation: use GetTokensFromRefreshToken.',
            );
          }
          if (!flows.includes('ALLOW_REFRESH_TOKEN_AUTH')) {
            throw new AwsApiError(
              'InvalidParameterException',
              'Refresh Token flow not enabled for this client',
            );
          }
          const token = requireString(params, 'REFRESH_TOKEN');
          if (c.clientSecret && optionalString(params, 'SECRET_HASH') === undefined) {
            throw notAuthorized(
              `Client ${c.clientId} is configured with secret but SECRET_HASH was not received`,
            );
          }
          return refresh(ctx, call, c, token);
        }
        if (flow === 'USER_PASSWORD_AUTH') {
          if (!flows.includes('ALLOW_USER_PASSWORD_AUTH')) {
            throw new AwsApiError(
              'InvalidParameterException',
              'USER_PASSWORD_AUTH flow not enabled for this client',
            );
          }
          const username = requireString(params, 'USERNAME');
          const password = requireString(params, 'PASSWORD');
          if (c.clientSecret) {
            const hash = optionalString(params, 'SECRET_HASH');
            if (hash === undefined) {
              throw notAuthorized(
                `Client ${c.clientId} is configured with secret but SECRET_HASH was not received`,
              );
            }
            if (!equalSecret(hash, secretHash(c.clientSecret, username, c.clientId))) {
              throw notAuthorized(`Unable to verify secret hash for client ${c.clientId}`);
            }
          }
          const user = ctx.users.authenticate(username, password);
          // Cognito's default (PreventUserExistenceErrors): an unknown user looks like a wrong password.
          if (!user) throw notAuthorized('Incorrect username or password.');
          if (user.enabled === false) throw notAuthorized('User is disabled.');
          const answer = await ctx.passwordSignIn(call, c.clientId, user);
          ctx.log(`user pool: ${user.username} signed in (USER_PASSWORD_AUTH)`);
          return authenticationResult(answer, 'Incorrect username or password.');
        }
        if (
          [
            'USER_SRP_AUTH',
            'CUSTOM_AUTH',
            'USER_AUTH',
            'ADMIN_USER_PASSWORD_AUTH',
            'ADMIN_NO_SRP_AUTH',
          ].includes(flow)
        ) {
          throw new AwsApiError(
            'InvalidParameterException',
            `${flow} is not supported by the local user pool.`,
          );
        }
        throw new AwsApiError(
          'InvalidParameterException',
          `1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set`,
        );
      },
    },
  };
}
