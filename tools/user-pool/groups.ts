/**
 * The pool's groups (Cognito's CreateGroup: name, description, role, precedence) and what a
 * user's membership puts in the ID token: `cognito:roles` (the roles of the user's groups that
 * have one) and `cognito:preferred_role` (the role of the group with the lowest precedence;
 * when several groups share that precedence with different roles, none, as Cognito's guide says).
 * Membership lives on the users (accounts.ts); this owns the group records.
 */
import type { PoolGroupDefinition } from './aws-api-types';
import type { PoolDefinition } from './types';

export interface PoolGroup extends PoolGroupDefinition {
  creationDate: number;
  lastModifiedDate: number;
}

export class GroupDirectory {
  readonly #groups = new Map<string, PoolGroup>();

  constructor(definition: Pick<PoolDefinition, 'groups' | 'users'>, now: number = Date.now()) {
    // Without a `groups` list, the names users' groups use are groups without roles (older definitions).
    const declared =
      definition.groups ??
      [...new Set(definition.users.flatMap((u) => u.groups ?? []))].map((groupName) => ({ groupName }));
    for (const g of declared)
      this.#groups.set(g.groupName, { ...g, creationDate: now, lastModifiedDate: now });
  }

  get(name: string): PoolGroup | undefined {
    return this.#groups.get(name);
  }

  /** Federation's automatic `<userPoolId>_<ProviderName>` groups appear with their first member. */
  ensure(name: string): PoolGroup {
    let group = this.#groups.get(name);
    if (!group) {
      const now = Date.now();
      group = { groupName: name, creationDate: now, lastModifiedDate: now };
      this.#groups.set(name, group);
    }
    return group;
  }

  all(): PoolGroup[] {
    return [...this.#groups.values()].sort((a, b) => a.groupName.localeCompare(b.groupName));
  }

  /** `cognito:roles` and `cognito:preferred_role` for a member of these groups (nothing when no group has a role). */
  roleClaims(groupNames: readonly string[]): {
    'cognito:roles'?: string[];
    'cognito:preferred_role'?: string;
  } {
    const withRoles = groupNames
      .map((n) => this.#groups.get(n))
      .filter((g): g is PoolGroup => g?.roleArn !== undefined);
    if (!withRoles.length) return {};
    const roles = [...new Set(withRoles.map((g) => g.roleArn as string))];
    const rank = (g: PoolGroup) => g.precedence ?? Number.POSITIVE_INFINITY;
    const best = Math.min(...withRoles.map(rank));
    const top = new Set(withRoles.filter((g) => rank(g) === best).map((g) => g.roleArn as string));
    const preferred = top.size === 1 ? [...top][0] : undefined;
    return { 'cognito:roles': roles, ...(preferred ? { 'cognito:preferred_role': preferred } : {}) };
  }
}
