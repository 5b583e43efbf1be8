/**
 * The admin page's users, read defensively from /admin/users (`{ users: [...] }` or a bare
 * list) into one typed row each, and sorted/filtered as plain functions (tested through the page).
 */
export interface AdminUser {
  sub: string;
  username: string;
  groups: string[];
  /** Epoch ms, or null when the API gave none or an unreadable time. */
  firstSeen: number | null;
  lastSeen: number | null;
  /** Only when the API reports it. */
  notesCount: number | null;
}

export type SortKey = 'username' | 'groups' | 'firstSeen' | 'lastSeen';
export type SortDirection = 'ascending' | 'descending';

const time = (value: unknown): number | null => {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
};

export function readAdminUsers(value: unknown): AdminUser[] | null {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as Record<string, unknown>)['users'])
      ? ((value as Record<string, unknown>)['users'] as unknown[])
      : null;
  if (!list) return null;
  return list
    .filter((u): u is Record<string, unknown> => Boolean(u) && typeof u === 'object')
    .map((u) => {
      const count = u['notesCount'] ?? u['noteCount'];
      return {
        sub: typeof u['sub'] === 'string' ? u['sub'] : '',
        username: typeof u['username'] === 'string' ? u['username'] : String(u['sub'] ?? ''),
        groups: Array.isArray(u['groups']) ? u['groups'].map(String) : [],
        firstSeen: time(u['firstSeen']),
        lastSeen: time(u['lastSeen']),
        notesCount: typeof count === 'number' && Number.isFinite(count) ? count : null,
      };
    });
}

export function filterUsers(users: readonly AdminUser[], query: string): AdminUser[] {
  const q = query.trim().toLocaleLowerCase();
  if (q === '') return [...users];
  return users.filter(
    (u) =>
      u.username.toLocaleLowerCase().includes(q) ||
      u.sub.toLocaleLowerCase().includes(q) ||
      u.groups.some((g) => g.toLocaleLowerCase().includes(q)),
  );
}

export function sortUsers(
  users: readonly AdminUser[],
  key: SortKey,
  direction: SortDirection,
  collator: Intl.Collator,
): AdminUser[] {
  const sign = direction === 'ascending' ? 1 : -1;
  // No groups counts as a missing value: such users sort last, like unknown times.
  const value = (u: AdminUser) => (key === 'groups' ? u.groups.join(', ') || null : u[key]);
  return [...users].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    // Missing values sort last in either direction.
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    const order =
      typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    return sign * order || collator.compare(a.username, b.username);
  });
}
