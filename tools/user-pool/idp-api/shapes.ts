/**
 * The user-pool API's data shapes (AttributeType, UserType, GroupType), its `Filter` syntax for
 * ListUsers, and pagination tokens. Timestamps are epoch seconds, as JSON 1.1 carries them.
 */
import { userAttributes } from '../attributes';
import type { PoolUser } from '../accounts';
import { AwsApiError, epochSeconds } from '../aws-json';
import type { PoolGroup } from '../groups';

export interface AttributeType {
  Name: string;
  Value: string;
}

/** Every attribute of the user, `sub` first, values as strings (as Cognito's API answers them). */
export function attributeList(user: PoolUser, readable?: readonly string[]): AttributeType[] {
  const out: AttributeType[] = [{ Name: 'sub', Value: user.sub }];
  for (const [name, value] of Object.entries(userAttributes(user))) {
    if (readable && !readable.includes(name)) continue;
    out.push({ Name: name, Value: String(value) });
  }
  if (user.identities) out.push({ Name: 'identities', Value: JSON.stringify(user.identities) });
  return out;
}

export function userStatus(user: PoolUser): string {
  return user.identities ? 'EXTERNAL_PROVIDER' : 'CONFIRMED';
}

export function userType(user: PoolUser, attributesToGet?: readonly string[]) {
  const attributes = attributeList(user).filter((a) => !attributesToGet || attributesToGet.includes(a.Name));
  return {
    Username: user.username,
    Attributes: attributes,
    UserCreateDate: epochSeconds(user.createdAt ?? Date.now()),
    UserLastModifiedDate: epochSeconds(user.modifiedAt ?? Date.now()),
    Enabled: user.enabled !== false,
    UserStatus: userStatus(user),
  };
}

export function groupType(group: PoolGroup, userPoolId: string) {
  return {
    GroupName: group.groupName,
    UserPoolId: userPoolId,
    ...(group.description !== undefined ? { Description: group.description } : {}),
    ...(group.roleArn !== undefined ? { RoleArn: group.roleArn } : {}),
    ...(group.precedence !== undefined ? { Precedence: group.precedence } : {}),
    LastModifiedDate: epochSeconds(group.lastModifiedDate),
    CreationDate: epochSeconds(group.creationDate),
  };
}

/** The attributes ListUsers can search (Cognito's list; custom attributes are not searchable). */
const SEARCHABLE = new Set([
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
]);

/** ListUsers' Filter: `name = "value"` or `name ^= "value"` (prefix); empty = every user. */
export function parseUserFilter(filter: string | undefined): (user: PoolUser) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const m = /^\s*([\w:]+)\s*(\^=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!m) throw new AwsApiError('InvalidParameterException', 'Error while parsing filter.');
  const [, name = '', op, raw = ''] = m;
  if (!SEARCHABLE.has(name)) {
    throw new AwsApiError('InvalidParameterException', `Invalid search attribute: ${name}`);
  }
  const value = raw.replace(/\\(.)/g, '$1');
  const valueOf = (user: PoolUser): string | undefined => {
    switch (name) {
      case 'username':
        return user.username;
      case 'sub':
        return user.sub;
      case 'status':
        return user.enabled === false ? 'Disabled' : 'Enabled';
      case 'cognito:user_status':
        return userStatus(user);
      default: {
        const v = userAttributes(user)[name];
        return v === undefined ? undefined : String(v);
      }
    }
  };
  return (user) => {
    const v = valueOf(user);
    if (v === undefined) return false;
    return op === '=' ? v === value : v.startsWith(value);
  };
}

/** One page of `items` and the token of the next (opaque to callers: a signed-looking offset). */
export function paginate<T>(
  items: readonly T[],
  limit: number | undefined,
  token: string | undefined,
  scope: string,
): { page: T[]; next?: string } {
  let offset = 0;
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const m = /^(\d+)\0(.*)$/s.exec(decoded);
    if (!m || m[2] !== scope) throw new AwsApiError('InvalidParameterException', 'Invalid pagination token.');
    offset = Number(m[1]);
  }
  const size = limit === undefined || limit === 0 ? 60 : limit;
  const page = items.slice(offset, offset + size);
  const end = offset + page.length;
  return {
    page,
    ...(end < items.length ? { next: Buffer.from(`${end}\0${scope}`).toString('base64url') } : {}),
  };
}
