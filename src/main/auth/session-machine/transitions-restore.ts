/**
 * Restore at start: read the keychain; a stored refresh token becomes signed-in and is refreshed
 * (at once, or in a fleet at the client's turn); an entry an earlier sign-out could not remove is
 * revoked and removed instead of restored. So is one issued for another provider (its binding
 * names another issuer, token origin or client, or none: credential-store.ts `mismatch`): it is
 * never sent to this profile's endpoints, only revoked where it was issued (when known), then
 * removed, and the profile starts signed out.
 */
import { Secret } from '../token-set';
import { MESSAGES, replyAll, settleOvertaken, STATE, startFlight, wakeTimer } from './rules';
import type { SignedIn } from './states';
import { refuse, type Row } from './table';

const alreadyStarted = refuse('already-started', () => STATE);

export const start: Row<'start'> = {
  'signed-out': {
    to: ['restoring'],
    run: (p, e, step) => {
      settleOvertaken(step, p.overtaken);
      return step
        .emit({ kind: 'load-credential' })
        .to({ kind: 'restoring', step: 'loading', waiters: [e.ticket] });
    },
  },
  restoring: {
    to: [],
    run: (p, e, step) => step.to({ ...p, waiters: [...p.waiters, e.ticket] }),
  },
  'signing-in': alreadyStarted,
  'signed-in': alreadyStarted,
  'signing-out': alreadyStarted,
  disposed: refuse('disposed', () => STATE),
};

const stale = refuse('stale-result');

export const credentialLoaded: Row<'credential-loaded'> = {
  restoring: {
    to: ['signed-out', 'signed-in/waking', 'signed-in/refreshing'],
    run: (p, e, step, config) => {
      const loaded = e.result;
      if (p.step !== 'loading') return step.to(p);
      if (loaded.kind === 'removal-pending') {
        const refreshToken = new Secret(loaded.credential.refreshToken);
        step.emit({ kind: 'revoke', refreshToken });
        return step.to({
          kind: 'restoring',
          step: 'revoking',
          waiters: p.waiters,
          refreshToken,
          discard: 'removal-pending',
        });
      }
      if (loaded.kind === 'mismatch') {
        const binding = loaded.credential.binding;
        if (binding && loaded.reason === 'mismatch') {
          const refreshToken = new Secret(loaded.credential.refreshToken);
          step.emit({ kind: 'revoke', refreshToken, at: binding });
          return step.to({
            kind: 'restoring',
            step: 'revoking',
            waiters: p.waiters,
            refreshToken,
            discard: 'mismatch',
          });
        }
        // No binding (an older version wrote it): no known origin, so it is sent nowhere.
        const clearId = step.id();
        step.emit({ kind: 'clear-credential', clearId });
        return step.to({
          kind: 'restoring',
          step: 'removing',
          waiters: p.waiters,
          clearId,
          discard: 'unbound',
        });
      }
      if (loaded.kind !== 'found') {
        replyAll(step, p.waiters, STATE);
        return step.to(
          loaded.kind === 'corrupt'
            ? { kind: 'signed-out', reason: 'error', error: { ...MESSAGES.corrupt } }
            : { kind: 'signed-out', reason: 'none' },
        );
      }
      const signedIn: SignedIn = {
        kind: 'signed-in',
        refreshToken: new Secret(loaded.credential.refreshToken),
        ...(loaded.credential.user ? { user: loaded.credential.user } : {}),
        lastRefreshAt: 0,
        link: { kind: 'online' },
        attempt: 0,
        throttledStreak: 0,
        forcedThisLifetime: false,
        ...(loaded.credential.signedInAt === undefined ? {} : { signedInAt: loaded.credential.signedInAt }),
      };
      // In a fleet, a restore nobody waits for yet waits its turn; the first API call or
      // resume() refreshes at once instead.
      const wake = wakeTimer(step, config, e);
      if (wake) {
        replyAll(step, p.waiters, STATE);
        return step.to({ ...signedIn, link: { kind: 'waking', timer: wake } });
      }
      return startFlight(step, signedIn, {
        forced: false,
        waiters: p.waiters.map((ticket) => ({ ticket, wants: 'state' as const, fallback: false })),
      });
    },
  },
  'signed-out': stale,
  'signing-in': stale,
  'signed-in': stale,
  'signing-out': stale,
  disposed: stale,
};

export const revokeFinished: Row<'revoke-finished'> = {
  restoring: {
    to: [],
    run: (p, e, step) => {
      if (p.step !== 'revoking') return step.to(p);
      const clearId = step.id();
      step.emit(
        {
          kind: 'log',
          level: 'info',
          message:
            p.discard === 'mismatch'
              ? 'revoked a saved sign-in made for another sign-in service where it was issued'
              : 'revoked a keychain entry left by an earlier sign-out',
          fields: { revocation: e.outcome },
        },
        { kind: 'clear-credential', clearId },
      );
      return step.to({
        kind: 'restoring',
        step: 'removing',
        waiters: p.waiters,
        clearId,
        ...(p.discard ? { discard: p.discard } : {}),
      });
    },
  },
  'signed-out': stale,
  'signing-in': stale,
  'signed-in': stale,
  'signing-out': stale,
  disposed: stale,
};
