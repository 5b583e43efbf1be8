import type { PolicyView } from '../../shared/ipc-contract';
import { NO_POLICY, type PolicyOutcome } from './effective-policy';

/**
 * The organisation policy as the Settings screen shows it (PolicyViewSchema): per setting, is it
 * managed, and what value is in force. A policy that failed to validate shows as `failed` with
 * nothing managed: the error screen, not Settings, is where that is explained.
 */
export function policyView(outcome: PolicyOutcome | undefined): PolicyView {
  const failed = outcome !== undefined && 'error' in outcome;
  const policy = outcome && 'policy' in outcome ? outcome.policy : NO_POLICY;
  const { locked } = policy;
  return {
    sources: policy.sources.map((s) => ({ scope: s.scope, source: s.source })),
    failed,
    userProfiles: { managed: locked.profiles, allowed: policy.allowUserProfiles },
    proxy: {
      managed: locked.proxy,
      value:
        policy.proxy === undefined
          ? null
          : policy.proxy === 'system'
            ? 'system'
            : { url: policy.proxy.url, bypass: [...policy.proxy.bypass] },
    },
    updates: {
      managed: locked.updates,
      enabled: policy.updates.enabled ?? null,
      feedUrl: policy.updates.feedUrl ?? null,
    },
    logLevel: { managed: locked.logLevel, value: policy.logLevel ?? null },
    memoryOnlySignIn: { managed: locked.memoryOnlySignIn, allowed: policy.allowMemoryOnlySignIn },
  };
}
