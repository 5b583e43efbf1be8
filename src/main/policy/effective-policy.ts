import type { z } from 'zod';
import { formatFieldPath } from '../config/profile-file';
import { PolicyError } from './policy-forms';
import { PolicySchema, type LogLevel, type PolicyDocument, type PolicyProxy } from './policy-schema';
import type { PolicyScope, RawPolicy } from './policy-sources';

/**
 * The one policy in force: the machine policy over the user policy, key by key.
 *
 * API:
 *   resolvePolicy(raw: RawPolicy[]) -> EffectivePolicy; throws PolicyError (source + key) when any
 *                                      source does not validate: the app then fails closed
 *   NO_POLICY                          what applies where no policy exists
 *   PolicyOutcome                      the policy in force, or why it could not be used
 *
 * Precedence (docs/policy.md): machine policy > user policy > the organisation profile file in
 * the installer > the user's profiles.json > development flags. This module settles the first
 * two; `policy/profile-precedence.ts` applies the result to the rest.
 *
 * Rules that are choices, and why:
 *   - The profile list is a unit: it comes whole from the highest source that sets `profiles`
 *     (merging two admins' lists entry by entry would make a list neither wrote).
 *   - Once a policy sets `profiles`, user profiles are off unless it says
 *     `allowUserProfiles: true`: a locked list that the user can extend is not locked.
 *   - `allowLoopbackProfiles` counts from the machine policy only; a per-user policy must not be
 *     able to open loopback (any local process could serve that port) on a shared machine.
 */

export interface EffectivePolicy {
  /** Every source that held a policy, highest first. */
  sources: Array<{ scope: PolicyScope; source: string }>;
  profiles?: { source: string; entries: unknown[]; defaultProfileId?: string };
  allowUserProfiles: boolean;
  proxy?: PolicyProxy;
  updates: { enabled?: boolean; feedUrl?: string };
  allowMemoryOnlySignIn: boolean;
  logLevel?: LogLevel;
  allowLoopbackProfiles: boolean;
  /** The fleet's spread in ms (clients / quota), 0 without a `fleet` policy; at most an hour. */
  refreshSpreadMs: number;
  /** Which settings a policy fixed: the UI shows "Managed by your organisation" there. */
  locked: {
    profiles: boolean;
    proxy: boolean;
    updates: boolean;
    memoryOnlySignIn: boolean;
    logLevel: boolean;
  };
}

export const NO_POLICY: EffectivePolicy = Object.freeze({
  sources: [],
  allowUserProfiles: true,
  updates: {},
  allowMemoryOnlySignIn: true,
  allowLoopbackProfiles: false,
  refreshSpreadMs: 0,
  locked: { profiles: false, proxy: false, updates: false, memoryOnlySignIn: false, logLevel: false },
});

function firstIssue(error: z.ZodError): { key: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { key: '', message: 'invalid' };
  if (issue.code === 'unrecognized_keys') {
    const at = formatFieldPath(issue.path);
    return { key: at ? `${at}.${issue.keys[0]}` : String(issue.keys[0]), message: 'is not a policy key' };
  }
  return { key: formatFieldPath(issue.path), message: issue.message };
}

function validate(raw: RawPolicy): PolicyDocument {
  const result = PolicySchema.safeParse(raw.document);
  if (!result.success) {
    const { key, message } = firstIssue(result.error);
    throw new PolicyError(raw.source, key, message);
  }
  return result.data;
}

/** `raw` in any order; machine sources rank above user sources. */
export function resolvePolicy(raw: readonly RawPolicy[]): EffectivePolicy {
  const ranked = [...raw].sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'machine' ? -1 : 1));
  const docs = ranked.map((r) => ({ raw: r, doc: validate(r) }));
  if (docs.length === 0) return NO_POLICY;

  // The first document (highest rank) that sets a value wins.
  const pick = <T>(get: (d: PolicyDocument) => T | undefined): T | undefined => {
    for (const { doc } of docs) {
      const value = get(doc);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  const withProfiles = docs.find(({ doc }) => doc.profiles !== undefined);
  for (const { raw: r, doc } of docs) {
    if (doc.defaultProfileId !== undefined && doc.profiles === undefined) {
      throw new PolicyError(r.source, 'defaultProfileId', 'is only allowed next to profiles');
    }
  }
  const machine = docs.filter(({ raw: r }) => r.scope === 'machine');
  const proxy = pick((d) => d.network?.proxy);
  const updates = { enabled: pick((d) => d.updates?.enabled), feedUrl: pick((d) => d.updates?.feedUrl) };
  const allowUserProfiles = pick((d) => d.allowUserProfiles);
  const memoryOnly = pick((d) => d.allowMemoryOnlySignIn);
  const logLevel = pick((d) => d.logLevel);
  const fleet = pick((d) => d.fleet);

  return {
    sources: docs.map(({ raw: r }) => ({ scope: r.scope, source: r.source })),
    ...(withProfiles
      ? {
          profiles: {
            source: withProfiles.raw.source,
            entries: withProfiles.doc.profiles ?? [],
            ...(withProfiles.doc.defaultProfileId === undefined
              ? {}
              : { defaultProfileId: withProfiles.doc.defaultProfileId }),
          },
        }
      : {}),
    allowUserProfiles: allowUserProfiles ?? withProfiles === undefined,
    ...(proxy === undefined ? {} : { proxy }),
    updates: Object.fromEntries(Object.entries(updates).filter(([, v]) => v !== undefined)),
    allowMemoryOnlySignIn: memoryOnly ?? true,
    ...(logLevel === undefined ? {} : { logLevel }),
    allowLoopbackProfiles: machine.some(({ doc }) => doc.allowLoopbackProfiles === true),
    refreshSpreadMs: fleet
      ? Math.min(3_600_000, Math.round((fleet.clients / fleet.tokenRequestsPerSecond) * 1000))
      : 0,
    locked: {
      profiles: withProfiles !== undefined || allowUserProfiles === false,
      proxy: proxy !== undefined,
      updates: updates.enabled !== undefined || updates.feedUrl !== undefined,
      memoryOnlySignIn: memoryOnly !== undefined,
      logLevel: logLevel !== undefined,
    },
  };
}

/** The policy in force, or the reason it could not be used (then nobody is signed in). */
export type PolicyOutcome = { policy: EffectivePolicy } | { error: PolicyError };
