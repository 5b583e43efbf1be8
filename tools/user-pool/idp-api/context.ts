/**
 * What the user-pool API's operations need from the pool, as one object the server builds
 * (user-pool-server.ts): the state owners (users, groups, grants), token checks, and requests
 * the pool answers for itself (refresh, revoke, sign-in) so those keep one implementation.
 */
import type { UserDirectory, PoolUser } from '../accounts';
import type { AwsCall } from '../aws-api-server';
import type { GroupDirectory } from '../groups';
import type { InternalAnswer } from '../internal-request';
import type { PoolTokenDeps } from '../pool-tokens';
import type { TokenSessions } from '../token-sessions';
import type { PoolDefinition } from '../types';

export interface IdpApiContext {
  definition: PoolDefinition;
  users: UserDirectory;
  groups: GroupDirectory;
  tokens: PoolTokenDeps;
  /** The pool's `custom:*` attributes (its schema: those its users have), fixed at start. */
  customAttributes: ReadonlySet<string>;
  /** A request answered by the pool itself (its /oauth2/token, /oauth2/revoke...), in process. */
  self(
    call: AwsCall,
    request: { method: string; path: string; headers?: Record<string, string>; body?: string },
  ): Promise<InternalAnswer>;
  /** The Hosted UI's sign-in without the form: authorize, finish the login for `user`, exchange the code. */
  passwordSignIn(call: AwsCall, clientId: string, user: PoolUser): Promise<InternalAnswer>;
  /** Revokes every sign-in of the user (refresh tokens, and access tokens by origin_jti). */
  globalSignOut(username: string): Promise<void>;
  /** Session management's token sessions (token-sessions.ts); `enabled` false when it is off. */
  tokenSessions: TokenSessions;
  /** Whether this pool issued the refresh token, whether it still works, and whose it is. */
  refreshTokenState(token: string): Promise<{ issued: boolean; active: boolean; accountId?: string }>;
  log(line: string): void;
}
