import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  ListGroupsCommand,
  ListUsersCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AppError, isAppError } from '../../shared/errors';
import type {
  AdminChangeRequest,
  AdminGroup,
  AdminPoolUser,
  AdminPoolUserDetail,
  AdminUserList,
  AdminUserSearch,
} from '../../shared/ipc-contract';
import type { Language } from '../../shared/languages';
import type { ResolvedProfile } from '../config/profile';
import type { Logger } from '../log/logger';
import type { NetTransport } from '../net/transport';
import { confirmText } from './admin-dialog-text';
import { createUserPoolClient } from './aws-clients';
import { awsErrorName, toAwsAppError } from './aws-errors';
import type { ConfirmPort } from './confirm-port';
import type { AwsCredentialSet } from './credential-set';

/**
 * The Admin page on the real user pool: Cognito's admin API (SigV4, service cognito-idp) from
 * main with the signed-in admin's identity-pool credentials, through the AWS SDK's
 * CognitoIdentityProviderClient over the app's transport.
 *
 *   const admin = createCognitoAdmin({ profile, transport, credentials, confirm, language });
 *   await admin.listUsers({ search: { attribute: 'username', prefix: 'b' } });  // ListUsers + Filter
 *   await admin.getUser('bob');                     // AdminGetUser + AdminListGroupsForUser
 *   await admin.change({ username: 'bob', change: { op: 'disable' } });   // native dialog first
 *
 * Decisions:
 *  - Every change is confirmed by the ConfirmPort (a native dialog naming the operation and the
 *    user) before any request; a "no" is NOT_CONFIRMED and nothing is sent. The page can ask,
 *    only the dialog's answer applies it.
 *  - The Filter is built here from a typed search (attribute + prefix), never taken as text from
 *    the page: quotes and backslashes in the prefix are refused, so the page cannot write its own
 *    filter expression.
 *  - Each call gets a client with the current credentials as a fixed identity (the SDK would
 *    otherwise memoise a provider's answer until five minutes before expiry, past a renewal).
 *    ExpiredTokenException renews them once (the owner's forced refresh) and retries once.
 *  - AccessDeniedException is AWS_ACCESS_DENIED ("Your role cannot do this"), any other
 *    exception AWS_ERROR naming it; the page shows both, nothing crashes.
 */
export interface CognitoAdminOptions {
  profile: ResolvedProfile;
  transport: NetTransport;
  credentials: {
    current(): Promise<AwsCredentialSet>;
    forceRefresh(rejected: AwsCredentialSet): Promise<AwsCredentialSet>;
  };
  confirm: ConfirmPort;
  language: () => Language;
  logger: Logger;
  timeoutMs?: number;
}

export interface CognitoAdmin {
  listUsers(request: {
    search?: AdminUserSearch | undefined;
    paginationToken?: string | undefined;
  }): Promise<AdminUserList>;
  getUser(username: string): Promise<AdminPoolUserDetail>;
  listGroups(): Promise<AdminGroup[]>;
  change(request: AdminChangeRequest): Promise<AdminPoolUserDetail>;
}

export const ADMIN_PAGE_SIZE = 25;
const MAX_GROUP_PAGES = 10;

type UserPoolClient = ReturnType<typeof createUserPoolClient>;

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

function poolUser(user: {
  Username?: string | undefined;
  Attributes?: AttributeType[] | undefined;
  UserAttributes?: AttributeType[] | undefined;
  Enabled?: boolean | undefined;
  UserStatus?: string | undefined;
  UserCreateDate?: Date | undefined;
  UserLastModifiedDate?: Date | undefined;
}): AdminPoolUser {
  const attributes = user.Attributes ?? user.UserAttributes;
  const email = attribute(attributes, 'email');
  return {
    username: (user.Username ?? '').slice(0, 256),
    sub: (attribute(attributes, 'sub') ?? '').slice(0, 256),
    ...(email === undefined ? {} : { email: email.slice(0, 320) }),
    enabled: user.Enabled ?? true,
    status: (user.UserStatus ?? 'UNKNOWN').slice(0, 64),
    createdAt: user.UserCreateDate?.getTime() ?? null,
    modifiedAt: user.UserLastModifiedDate?.getTime() ?? null,
  };
}

/** Cognito's ListUsers Filter for a prefix search: `attribute ^= "prefix"`. */
export function userFilter(search: AdminUserSearch): string {
  if (/["\\]/.test(search.prefix)) {
    throw new AppError('IPC_INVALID_ARGUMENT', 'A search cannot contain quotes or backslashes.');
  }
  return `${search.attribute} ^= "${search.prefix}"`;
}

export function createCognitoAdmin(options: CognitoAdminOptions): CognitoAdmin {
  const { profile, transport, credentials, confirm } = options;
  const log = options.logger.child('admin');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const userPoolId = profile.userPoolId;

  /** Runs `call` with a client signing with the current credentials; renews once on expiry. */
  const withClient = async <T>(what: string, call: (client: UserPoolClient) => Promise<T>): Promise<T> => {
    let set = await credentials.current();
    for (let attempt = 0; ; attempt++) {
      const fixed = set.forSdk();
      const client = createUserPoolClient(profile, transport, timeoutMs, () => Promise.resolve(fixed));
      try {
        return await call(client);
      } catch (error) {
        if (attempt === 0 && awsErrorName(error) === 'ExpiredTokenException') {
          set = await credentials.forceRefresh(set);
          continue;
        }
        const appError = isAppError(error) ? error : toAwsAppError(error, 'The user pool');
        log.warn(`${what} failed: ${appError.code}: ${appError.message}`);
        throw appError;
      } finally {
        client.destroy();
      }
    }
  };

  const getUser = (username: string) =>
    withClient('AdminGetUser', async (client) => {
      const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
      const groups: string[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_GROUP_PAGES; page++) {
        const out = await client.send(
          new AdminListGroupsForUserCommand({
            UserPoolId: userPoolId,
            Username: username,
            Limit: 60,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const g of out.Groups ?? []) if (g.GroupName) groups.push(g.GroupName.slice(0, 256));
        nextToken = out.NextToken;
        if (!nextToken) break;
      }
      const attributes = (user.UserAttributes ?? [])
        .filter((a): a is { Name: string; Value?: string } => typeof a.Name === 'string')
        .slice(0, 100)
        .map((a) => ({ name: a.Name.slice(0, 128), value: (a.Value ?? '').slice(0, 2048) }));
      return { ...poolUser(user), groups, attributes } satisfies AdminPoolUserDetail;
    });

  return {
    listUsers: ({ search, paginationToken }) =>
      withClient('ListUsers', async (client) => {
        const filter = search && search.prefix !== '' ? userFilter(search) : undefined;
        const out = await client.send(
          new ListUsersCommand({
            UserPoolId: userPoolId,
            Limit: ADMIN_PAGE_SIZE,
            ...(filter ? { Filter: filter } : {}),
            ...(paginationToken ? { PaginationToken: paginationToken } : {}),
          }),
        );
        return {
          users: (out.Users ?? []).map(poolUser),
          paginationToken: out.PaginationToken ? out.PaginationToken.slice(0, 4096) : null,
        };
      }),
    getUser,
    listGroups: () =>
      withClient('ListGroups', async (client) => {
        const out = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
        return (out.Groups ?? [])
          .filter((g) => typeof g.GroupName === 'string')
          .map((g) => ({
            name: (g.GroupName as string).slice(0, 256),
            ...(g.Description ? { description: g.Description.slice(0, 2048) } : {}),
          }));
      }),
    async change({ username, change }) {
      const group = 'group' in change ? change.group : undefined;
      const yes = await confirm.confirm(
        confirmText(options.language(), change.op, { user: username, ...(group ? { group } : {}) }),
      );
      if (!yes) {
        log.info(`admin change not confirmed: ${change.op}`);
        throw new AppError('NOT_CONFIRMED', 'Nothing was changed: the change was not confirmed.');
      }
      await withClient(change.op, async (client) => {
        const target = { UserPoolId: userPoolId, Username: username };
        switch (change.op) {
          case 'add-to-group':
            return client.send(new AdminAddUserToGroupCommand({ ...target, GroupName: change.group }));
          case 'remove-from-group':
            return client.send(new AdminRemoveUserFromGroupCommand({ ...target, GroupName: change.group }));
          case 'disable':
            return client.send(new AdminDisableUserCommand(target));
          case 'enable':
            return client.send(new AdminEnableUserCommand(target));
          case 'global-sign-out':
            return client.send(new AdminUserGlobalSignOutCommand(target));
        }
      });
      log.info(`admin change applied: ${change.op}`);
      return getUser(username);
    },
  };
}
