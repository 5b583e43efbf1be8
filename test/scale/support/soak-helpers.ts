import type { Session } from '../../../src/main/auth/session';
import type { SessionState } from '../../../src/shared/session-state';
import type { ScaleRig } from '../../../tools/support/scale-rig';

/** Polls `check` every 50 ms until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** waitFor with an async check (e.g. a keychain read). */
export async function waitForAsync(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every state the session publishes, in order (the UI's view of what happened). */
export function recordStates(session: Session): SessionState[] {
  const states: SessionState[] = [];
  session.onChanged((state) => states.push(state));
  return states;
}

export function isOffline(state: SessionState): boolean {
  return state.status === 'signed-in' && state.connectivity === 'offline';
}

export function isOnline(state: SessionState, since: number): boolean {
  return state.status === 'signed-in' && state.connectivity === 'online' && state.lastRefreshAt >= since;
}

/** The refresh token in the (private) keychain right now, read through the app's store. */
export async function keychainRefreshToken(rig: ScaleRig): Promise<string | undefined> {
  const loaded = await rig.credentialStore().load();
  return loaded.kind === 'found' ? loaded.credential.refreshToken : undefined;
}
