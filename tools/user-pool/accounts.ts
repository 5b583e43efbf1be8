import { createHash, timingSafeEqual } from 'node:crypto';

import type { PoolUserDefinition } from './types';

export interface PoolUser extends PoolUserDefinition {
  /** Cognito's `sub`: a UUID, stable for a given pool and username so restarts keep identities. */
  sub: string;
  /** Federated users only: the ID token's `identities` claim (federation.ts); they have no password. */
  identities?: Array<Record<string, string | null>>;
  /** AdminDisableUser / AdminEnableUser (user-pool API); absent = enabled. */
  enabled?: boolean;
  /** Epoch ms: access tokens issued before it are refused (AdminDisableUser revokes them for good). */
  accessTokensRevokedBefore?: number;
  /** Epoch ms, for the admin API's UserCreateDate / UserLastModifiedDate. */
  createdAt?: number;
  modifiedAt?: number;
}

/** A UUID-shaped `sub` derived from pool and username (v4 layout; Cognito's are random v4s). */
export function subFor(userPoolId: string, username: string): string {
  const hex = createHash('sha256').update(`${userPoolId}\0${username}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class UserDirectory {
  readonly #byUsername = new Map<string, PoolUser>();
  readonly #bySub = new Map<string, PoolUser>();

  constructor(userPoolId: string, users: PoolUserDefinition[]) {
    for (const user of users) {
      const now = Date.now();
      const entry: PoolUser = {
        ...user,
        groups: [...(user.groups ?? [])],
        attributes: { ...user.attributes },
        sub: subFor(userPoolId, user.username),
        createdAt: now,
        modifiedAt: now,
      };
      // Cognito usernames are case-insensitive by default.
      this.#byUsername.set(user.username.toLowerCase(), entry);
      this.#bySub.set(entry.sub, entry);
    }
  }

  /** Adds or replaces a federated user (federation.ts), as Cognito does on each federated sign-in. */
  upsertFederated(user: PoolUser): void {
    this.#byUsername.set(user.username.toLowerCase(), user);
    this.#bySub.set(user.sub, user);
  }

  bySub(sub: string): PoolUser | undefined {
    return this.#bySub.get(sub);
  }

  byUsername(username: string): PoolUser | undefined {
    return this.#byUsername.get(username.toLowerCase());
  }

  /** Constant-time password check; undefined for an unknown user or a wrong password. */
  authenticate(username: string, password: string): PoolUser | undefined {
    const user = this.byUsername(username);
    const expected = createHash('sha256')
      .update(user?.password ?? '\0no-such-user')
      .digest();
    const given = createHash('sha256').update(password).digest();
    return user && !user.identities && timingSafeEqual(expected, given) ? user : undefined;
  }

  /** Whether the user may sign in and refresh (AdminDisableUser turns it off). */
  isEnabled(sub: string): boolean {
    return this.#bySub.get(sub)?.enabled !== false;
  }

  all(): PoolUser[] {
    return [...this.#bySub.values()];
  }

  customAttributeNames(): string[] {
    const names = new Set<string>();
    for (const user of this.#byUsername.values()) {
      for (const name of Object.keys(user.attributes ?? {})) names.add(name);
    }
    return [...names];
  }
}
