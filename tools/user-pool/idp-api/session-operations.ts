/**
 * The user-pool API's own-session operations (access token in the body, as Cognito's):
 * ListUserSessions (the caller's active token sessions across clients, the caller's own marked
 * IsCurrentSession) and RevokeUserSession (ends one of them, never the caller's own). The records
 * are token-sessions.ts's; with session management off both answer OperationNotEnabledException.
 * SSO sessions are not listed (see docs/user-pool.md, "How close to Cognito").
 */
import type { AwsOperationTable } from '../aws-api-server';
import { AwsApiError, epochSeconds, optionalString, requireString } from '../aws-json';
import type { TokenSession } from '../token-sessions';
import { ADMIN_SCOPE, userOfAccessToken } from './access-token-operations';
import type { IdpApiContext } from './context';

/** SessionDescriptionType for a token session. */
function sessionDescription(session: TokenSession, current: boolean) {
  return {
    SessionId: session.sessionId,
    SessionType: 'TOKEN',
    ClientId: session.clientId,
    CreateDate: epochSeconds(session.createdAt),
    LastActiveDate: epochSeconds(session.lastActiveAt),
    DeviceType: session.deviceType,
    ...(session.lastIpAddress ? { LastIPAddress: session.lastIpAddress } : {}),
    IsCurrentSession: current,
  };
}

export function sessionOperations(ctx: IdpApiContext): AwsOperationTable {
  const { tokenSessions } = ctx;

  /** The caller, the grant (sign-in) its access token belongs to, and the caller's sessions. */
  async function caller(input: Record<string, unknown>) {
    if (!tokenSessions.enabled) {
      throw new AwsApiError(
        'OperationNotEnabledException',
        'Session tracking is not enabled for this user pool.',
      );
    }
    const { user, claims } = await userOfAccessToken(ctx, requireString(input, 'AccessToken'), {
      scope: ADMIN_SCOPE,
    });
    const originJti = claims['origin_jti'];
    const record = typeof originJti === 'string' ? ctx.tokens.grants.byOriginJti(originJti) : undefined;
    return { user, currentGrantId: record?.grantId, sessions: await tokenSessions.active(user.sub) };
  }

  return {
    ListUserSessions: {
      auth: 'none',
      quota: 'userRead',
      async handle(input) {
        // One page holds every session (at most 100 token sessions per user): no NextToken is issued.
        if (optionalString(input, 'NextToken') !== undefined) {
          throw new AwsApiError('InvalidParameterException', 'Invalid NextToken.');
        }
        const { sessions, currentGrantId } = await caller(input);
        return { Sessions: sessions.map((s) => sessionDescription(s, s.grantId === currentGrantId)) };
      },
    },

    RevokeUserSession: {
      auth: 'none',
      quota: 'userUpdate',
      async handle(input) {
        const sessionId = requireString(input, 'SessionId');
        const associated = optionalString(input, 'RevokeAssociatedSessions') ?? 'NONE';
        if (associated !== 'NONE' && associated !== 'LINKED') {
          throw new AwsApiError(
            'InvalidParameterException',
            `1 validation error detected: Value '${associated}' at 'revokeAssociatedSessions' failed to satisfy constraint: Member must satisfy enum value set: [NONE, LINKED]`,
          );
        }
        const { user, sessions, currentGrantId } = await caller(input);
        const target = sessions.find((s) => s.sessionId === sessionId);
        if (!target) throw new AwsApiError('ResourceNotFoundException', 'Session not found.');
        if (target.grantId === currentGrantId) {
          throw new AwsApiError(
            'InvalidParameterException',
            'The session that the access token belongs to cannot be revoked.',
          );
        }
        await tokenSessions.revoke(target);
        ctx.log(`user pool: ${user.username} revoked token session ${target.sessionId}`);
        return {};
      },
    },
  };
}
