import type { ResolvedProfile } from '../config/profile';
import type { Logger } from '../log/logger';
import type { NetTransport } from '../net/transport';
import type { EffectivePolicy } from '../policy/effective-policy';

/**
 * The network settings a profile brings, applied to the one transport of main (src/main/net)
 * when the profile becomes active. The transport waits for the proxy setting to apply before
 * its next request. The organisation policy's proxy wins over the profile's (docs/policy.md,
 * precedence).
 */
export function applyProfileNetwork(
  transport: NetTransport,
  policy: EffectivePolicy,
  profile: ResolvedProfile,
  log: Logger,
): void {
  transport.setProxy(policy.proxy ?? profile.network.proxy).catch((error: unknown) => {
    log.error(`network proxy setting not applied: ${error instanceof Error ? error.message : 'unknown'}`);
  });
}
