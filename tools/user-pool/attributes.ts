/**
 * Which user attributes a token or userInfo answer carries, by Cognito's rule ("Scopes, M2M, and
 * resource servers"; "The user attributes endpoint"):
 *  - only what the client may read (its ReadAttributes; absent = everything the user has);
 *  - `openid` without `email`, `phone` or `profile`: every readable attribute;
 *  - otherwise only the attributes of the scopes asked for: `email` -> email, email_verified;
 *    `phone` -> phone_number, phone_number_verified; `profile` -> the other readable attributes
 *    (standard profile attributes and custom:*);
 *  - `aws.cognito.signin.user.admin` changes nothing here.
 * `email_verified` / `phone_number_verified` appear only when set for the user. Values are typed
 * as the ID token carries them (booleans for *_verified); userInfo stringifies them.
 */
import type { PoolUser } from './accounts';
import type { PoolClientDefinition } from './types';

const EMAIL = ['email', 'email_verified'];
const PHONE = ['phone_number', 'phone_number_verified'];

/** Every attribute the user has, by Cognito attribute name. */
export function userAttributes(user: PoolUser): Record<string, string | boolean> {
  return {
    // Always set for local users; a federated user has one only if the mapping brought it.
    ...(user.email ? { email: user.email } : {}),
    ...(user.emailVerified !== undefined ? { email_verified: user.emailVerified } : {}),
    ...(user.phoneNumber !== undefined ? { phone_number: user.phoneNumber } : {}),
    ...(user.phoneNumberVerified !== undefined ? { phone_number_verified: user.phoneNumberVerified } : {}),
    ...user.attributes,
  };
}

/** The attributes a client reading with these scopes sees. */
export function attributesForScopes(
  user: PoolUser,
  client: Pick<PoolClientDefinition, 'readAttributes'> | undefined,
  scopes: ReadonlySet<string>,
): Record<string, string | boolean> {
  const readable = Object.entries(userAttributes(user)).filter(
    ([name]) => !client?.readAttributes || client.readAttributes.includes(name),
  );
  const narrowed = scopes.has('email') || scopes.has('phone') || scopes.has('profile');
  const allowed = (name: string) => {
    if (!narrowed) return true;
    if (EMAIL.includes(name)) return scopes.has('email');
    if (PHONE.includes(name)) return scopes.has('phone');
    return scopes.has('profile');
  };
  return Object.fromEntries(readable.filter(([name]) => allowed(name)));
}

/** Every attribute name any user of the pool may carry (oidc-provider must be told of each claim). */
export function allAttributeNames(users: Iterable<PoolUser>): string[] {
  const names = new Set<string>([...EMAIL, ...PHONE]);
  for (const user of users) for (const name of Object.keys(userAttributes(user))) names.add(name);
  return [...names];
}
