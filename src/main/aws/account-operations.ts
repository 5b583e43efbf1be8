import {
  GlobalSignOutCommand,
  ListUserSessionsCommand,
  RevokeUserSessionCommand,
  type SessionDescriptionType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AppError } from '../../shared/errors';
import type { UserSession, UserSessionList } from '../../shared/ipc-contract';
import type { Language } from '../../shared/languages';
import type { SessionState } from '../../shared/session-state';
import type { ResolvedProfile } from '../config/profile';
import type { Logger } from '../log/logger';
import type { NetTransport } from '../net/transport';
import { confirmText } from './admin-dialog-text';
import { createUserPoolClient } from './aws-clients';
import { toAwsAppError } from './aws-errors';
import type { ConfirmPort } from './confirm-port';

/**
 * The user's own account on the user-pool API, with their access token (no AWS credentials):
 *  - "Sign out everywhere": GlobalSignOut (every refresh token of the user stops working), then
 *    this device signs out too; confirmed in main's dialog first.
 *  - "Devices and sessions" (profile `sessionTracking: true`): ListUserSessions and
 *    RevokeUserSession, the operations Cognito's API reference names for a pool with session
 *    tracking; a revocation is confirmed in the dialog too.
 * The access token goes only into the SDK request to the profile's user-pool endpoint.
 */
export interface AccountOperationsOptions {
  profile: ResolvedProfile;
  transport: NetTransport;
  session: {
    getAccessToken(): Promise<string>;
    getState(): SessionState;
    signOut(options: { endHostedUiSession: boolean }): Promise<SessionState>;
  };
  confirm: ConfirmPort;
  language: () => Language;
  logger: Logger;
  timeoutMs?: number;
}

export interface AccountOperations {
  signOutEverywhere(): Promise<SessionState>;
  listSessions(): Promise<UserSessionList>;
  revokeSession(sessionId: string): Promise<UserSessionList>;
}

const MAX_SESSION_PAGES = 5;

function sessionView(s: SessionDescriptionType): UserSession {
  const location = s.LastLocation as { City?: string; Country?: string } | undefined;
  const place = [location?.City, location?.Country].filter(Boolean).join(', ');
  return {
    sessionId: (s.SessionId ?? '').slice(0, 256),
    deviceType: s.DeviceType ? s.DeviceType.slice(0, 512) : null,
    createdAt: s.CreateDate?.getTime() ?? null,
    lastActiveAt: s.LastActiveDate?.getTime() ?? null,
    lastLocation: place ? place.slice(0, 256) : null,
    current: s.IsCurrentSession === true,
  };
}

export function createAccountOperations(options: AccountOperationsOptions): AccountOperations {
  const { profile, transport, session, confirm } = options;
  const log = options.logger.child('account');
  const timeoutMs = options.timeoutMs ?? 10_000;

  const username = () => {
    const state = session.getState();
    if (state.status !== 'signed-in') throw new AppError('SIGN_IN_REQUIRED', 'Sign in first.');
    return state.user.username;
  };
  const withClient = async <T>(
    what: string,
    call: (client: ReturnType<typeof createUserPoolClient>) => Promise<T>,
  ) => {
    const client = createUserPoolClient(profile, transport, timeoutMs);
    try {
      return await call(client);
    } catch (error) {
      const appError = toAwsAppError(error, 'The user pool');
      log.warn(`${what} failed: ${appError.code}: ${appError.message}`);
      throw appError;
    } finally {
      client.destroy();
    }
  };
  const requireTracking = () => {
    if (!profile.sessionTracking) {
      throw new AppError('CONFIG_INVALID', 'This profile does not say that the user pool tracks sessions.');
    }
  };

  const listSessions = async (): Promise<UserSessionList> => {
    requireTracking();
    const accessToken = await session.getAccessToken();
    return withClient('ListUserSessions', async (client) => {
      const sessions: UserSession[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_SESSION_PAGES; page++) {
        const out = await client.send(
          new ListUserSessionsCommand({
            AccessToken: accessToken,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        sessions.push(...(out.Sessions ?? []).map(sessionView));
        nextToken = out.NextToken;
        if (!nextToken) break;
      }
      return { sessions: sessions.slice(0, 200) };
    });
  };

  return {
    async signOutEverywhere() {
      const user = username();
      const yes = await confirm.confirm(confirmText(options.language(), 'own-global-sign-out', { user }));
      if (!yes)
        throw new AppError('NOT_CONFIRMED', 'Nothing was changed: signing out everywhere was not confirmed.');
      const accessToken = await session.getAccessToken();
      await withClient('GlobalSignOut', (client) =>
        client.send(new GlobalSignOutCommand({ AccessToken: accessToken })),
      );
      log.info('signed out everywhere (GlobalSignOut); signing this device out');
      return session.signOut({ endHostedUiSession: false });
    },
    listSessions,
    async revokeSession(sessionId) {
      requireTracking();
      const user = username();
      const yes = await confirm.confirm(
        confirmText(options.language(), 'revoke-session', { user, session: sessionId.slice(0, 16) }),
      );
      if (!yes) throw new AppError('NOT_CONFIRMED', 'Nothing was changed: the sign-out was not confirmed.');
      const accessToken = await session.getAccessToken();
      await withClient('RevokeUserSession', (client) =>
        client.send(new RevokeUserSessionCommand({ AccessToken: accessToken, SessionId: sessionId })),
      );
      return listSessions();
    },
  };
}
