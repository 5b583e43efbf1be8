/**
 * The user-pool API's admin operations, SigV4-signed (service `cognito-idp`, action
 * `cognito-idp:<Op>`; the dispatcher verifies both before these run): ListUsers (Filter,
 * pagination), AdminGetUser, ListGroups, AdminListGroupsForUser, ListUsersInGroup,
 * AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminDisableUser, AdminEnableUser,
 * AdminUserGlobalSignOut. Group changes show in tokens issued afterwards, as on Cognito.
 */
import type { PoolUser } from '../accounts';
import type { AwsOperation, AwsOperationTable } from '../aws-api-server';
import { AwsApiError, optionalInteger, optionalString, requireString } from '../aws-json';
import type { PoolGroup } from '../groups';
import type { IdpApiContext } from './context';
import { attributeList, groupType, paginate, parseUserFilter, userType } from './shapes';

export function adminOperations(ctx: IdpApiContext): AwsOperationTable {
  const { definition, users, groups } = ctx;

  const admin = (name: string, quota: string, handle: AwsOperation['handle']): AwsOperation => ({
    auth: { sigv4: 'cognito-idp', action: `cognito-idp:${name}` },
    quota,
    async handle(input, call) {
      const poolId = requireString(input, 'UserPoolId');
      if (poolId !== definition.userPoolId) {
        throw new AwsApiError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
      }
      return handle(input, call);
    },
  });

  const userOf = (input: Record<string, unknown>): PoolUser => {
    const user = users.byUsername(requireString(input, 'Username'));
    if (!user) throw new AwsApiError('UserNotFoundException', 'User does not exist.');
    return user;
  };
  const groupOf = (input: Record<string, unknown>): PoolGroup => {
    const group = groups.get(requireString(input, 'GroupName'));
    if (!group) throw new AwsApiError('ResourceNotFoundException', 'Group not found.');
    return group;
  };
  const sortedUsers = () => users.all().sort((a, b) => a.username.localeCompare(b.username));
  const limitOf = (input: Record<string, unknown>) => optionalInteger(input, 'Limit', 0, 60);

  return {
    ListUsers: admin('ListUsers', 'userList', async (input) => {
      const filter = optionalString(input, 'Filter');
      const matches = parseUserFilter(filter);
      const wanted = input['AttributesToGet'];
      if (wanted !== undefined && (!Array.isArray(wanted) || wanted.some((n) => typeof n !== 'string'))) {
        throw new AwsApiError(
          'InvalidParameterException',
          'AttributesToGet must be a list of attribute names.',
        );
      }
      const { page, next } = paginate(
        sortedUsers().filter(matches),
        limitOf(input),
        optionalString(input, 'PaginationToken'),
        `ListUsers\0${filter ?? ''}`,
      );
      return {
        Users: page.map((u) => userType(u, wanted as string[] | undefined)),
        ...(next ? { PaginationToken: next } : {}),
      };
    }),

    AdminGetUser: admin('AdminGetUser', 'userRead', async (input) => {
      const user = userOf(input);
      const { Attributes, ...rest } = userType(user);
      void Attributes;
      return { ...rest, UserAttributes: attributeList(user), MFAOptions: [] };
    }),

    ListGroups: admin('ListGroups', 'userResourceRead', async (input) => {
      const { page, next } = paginate(
        groups.all(),
        limitOf(input),
        optionalString(input, 'NextToken'),
        'ListGroups',
      );
      return {
        Groups: page.map((g) => groupType(g, definition.userPoolId)),
        ...(next ? { NextToken: next } : {}),
      };
    }),

    AdminListGroupsForUser: admin('AdminListGroupsForUser', 'userRead', async (input) => {
      const user = userOf(input);
      const mine = (user.groups ?? []).map((n) => groups.ensure(n));
      const { page, next } = paginate(
        mine,
        limitOf(input),
        optionalString(input, 'NextToken'),
        `Groups\0${user.sub}`,
      );
      return {
        Groups: page.map((g) => groupType(g, definition.userPoolId)),
        ...(next ? { NextToken: next } : {}),
      };
    }),

    ListUsersInGroup: admin('ListUsersInGroup', 'userList', async (input) => {
      const group = groupOf(input);
      const members = sortedUsers().filter((u) => u.groups?.includes(group.groupName));
      const { page, next } = paginate(
        members,
        limitOf(input),
        optionalString(input, 'NextToken'),
        `InGroup\0${group.groupName}`,
      );
      return { Users: page.map((u) => userType(u)), ...(next ? { NextToken: next } : {}) };
    }),

    AdminAddUserToGroup: admin('AdminAddUserToGroup', 'userUpdate', async (input) => {
      const group = groupOf(input);
      const user = userOf(input);
      if (!user.groups?.includes(group.groupName)) {
        user.groups = [...(user.groups ?? []), group.groupName];
        user.modifiedAt = Date.now();
      }
      ctx.log(`user pool: ${user.username} added to group ${group.groupName}`);
      return {};
    }),

    AdminRemoveUserFromGroup: admin('AdminRemoveUserFromGroup', 'userUpdate', async (input) => {
      const group = groupOf(input);
      const user = userOf(input);
      if (user.groups?.includes(group.groupName)) {
        user.groups = user.groups.filter((g) => g !== group.groupName);
        user.modifiedAt = Date.now();
      }
      ctx.log(`user pool: ${user.username} removed from group ${group.groupName}`);
      return {};
    }),

    AdminDisableUser: admin('AdminDisableUser', 'userUpdate', async (input) => {
      const user = userOf(input);
      // "Deactivates a user and revokes all access tokens for the user": refresh tokens fail while
      // disabled and work again after AdminEnableUser (only a sign-out revokes them).
      user.enabled = false;
      user.accessTokensRevokedBefore = Date.now();
      user.modifiedAt = Date.now();
      ctx.log(`user pool: ${user.username} disabled`);
      return {};
    }),

    AdminEnableUser: admin('AdminEnableUser', 'userUpdate', async (input) => {
      const user = userOf(input);
      user.enabled = true;
      user.modifiedAt = Date.now();
      ctx.log(`user pool: ${user.username} enabled`);
      return {};
    }),

    AdminUserGlobalSignOut: admin('AdminUserGlobalSignOut', 'userUpdate', async (input) => {
      const user = userOf(input);
      await ctx.globalSignOut(user.username);
      ctx.log(`user pool: ${user.username} signed out globally (AdminUserGlobalSignOut)`);
      return {};
    }),
  };
}
