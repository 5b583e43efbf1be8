/** The token-free SessionState a phase publishes (src/shared/session-state.ts), or none. */
import type { SecretStorage, SessionState, SessionUser } from '../../../shared/session-state';
import { sessionEndsAt, type MachineConfig } from './config';
import type { Phase } from './states';

const OFFLINE_PLACEHOLDER_USER: SessionUser = { sub: 'unknown', username: 'unknown', groups: [] };

/**
 * Undefined: the phase keeps what was last published (a restore still reading the keychain, a
 * wipe still removing the entry, a disposed session that no longer publishes).
 */
export function publishedState(
  phase: Phase,
  storage: SecretStorage,
  config: Pick<MachineConfig, 'sessionLifetimeMs'>,
): SessionState | undefined {
  switch (phase.kind) {
    case 'restoring':
    case 'signing-out':
    case 'disposed':
      return undefined;
    case 'signing-in':
      return { status: 'signing-in', startedAt: phase.attempt.startedAt, storage };
    case 'signed-out':
      return {
        status: 'signed-out',
        reason: phase.reason,
        ...(phase.error ? { error: { code: phase.error.code, message: phase.error.message } } : {}),
        ...(phase.warning ? { warning: { code: phase.warning.code, message: phase.warning.message } } : {}),
        storage,
      };
    case 'signed-in': {
      const link = phase.link;
      const endsAt = sessionEndsAt(config, phase.signedInAt);
      const again =
        phase.renewal?.phase === 'attempt' && !phase.renewal.cancelled ? phase.renewal : undefined;
      return {
        status: 'signed-in',
        user: phase.tokens?.user ?? phase.user ?? OFFLINE_PLACEHOLDER_USER,
        accessTokenExpiresAt: phase.tokens?.accessTokenExpiresAt ?? 0,
        lastRefreshAt: phase.lastRefreshAt,
        connectivity: link.kind === 'waking' ? 'refreshing' : link.kind,
        ...(link.kind === 'online' && link.timer ? { nextRefreshAt: link.timer.at } : {}),
        ...(link.kind === 'offline' ? { nextRetryAt: link.nextRetryAt } : {}),
        ...(endsAt === undefined ? {} : { sessionEndsAt: endsAt }),
        ...(again ? { signingInAgainSince: again.startedAt } : {}),
        storage,
      };
    }
  }
}

/** What getState() says before anything was published. */
export const INITIAL_PUBLISHED = (storage: SecretStorage): SessionState => ({
  status: 'signed-out',
  reason: 'none',
  storage,
});
