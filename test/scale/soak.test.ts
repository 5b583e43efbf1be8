/**
 * Faults soak: steady API traffic through the app's `api:request` path while the local user pool
 * answers 503 bursts, hangs, resets connections, stops listening, and (as a separate process)
 * crashes and restarts on the same port. After each fault the keychain (the private
 * gnome-keyring) is read back. CI runs one round of each fault (well under a minute per test);
 * `SOAK_ROUNDS=10 npm test -- test/scale/soak` runs the longer soak.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateSessionOptions, Session } from '../../src/main/auth/session';
import type { SessionState } from '../../src/shared/session-state';
import { createAppPipeline } from '../../tools/load/app-pipeline';
import { startApiTraffic } from '../../tools/load/api-traffic';
import type { ApiTraffic, TrafficOutcome } from '../../tools/load/api-traffic';
import { startPoolProcess } from '../../tools/load/pool-process';
import type { PoolProcess } from '../../tools/load/pool-process';
import { freePort } from '../../tools/support/ports';
import { rigPoolDefinition, startScaleRig } from '../../tools/support/scale-rig';
import type { ScaleRig } from '../../tools/support/scale-rig';
import type { RunningUserPool } from '../../tools/user-pool/types';
import { assertPrivateKeyring } from '../support/keyring-guard';
import { isOffline, isOnline, keychainRefreshToken, recordStates, waitFor } from './support/soak-helpers';

const ROUNDS = Math.max(1, Number(process.env['SOAK_ROUNDS'] ?? 1));
const TOKEN_SECONDS = 5;
const API_TIMEOUT_MS = 3_000;
const SESSION_OPTIONS = {
  timeouts: { requestMs: 1_500, revokeMs: 1_000 },
  backoff: { baseMs: 250, capMs: 1_000 },
};
/** Typed outcomes an API call may have while the IdP is failing transiently. */
const TRANSIENT_CODES = new Set(['IDP_UNREACHABLE', 'IDP_ERROR']);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/**
 * The event loop's worst stall in this process, measured while the soak runs: a request can
 * outlive its timeout by that much on a loaded machine without the client being at fault.
 */
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

function expectBounded(outcomes: readonly TrafficOutcome[]): void {
  const stallMs = loopDelay.max / 1e6;
  const slow = outcomes.filter((o) => o.ms > API_TIMEOUT_MS + 1_000 + stallMs);
  expect(slow, 'requests that outlived their timeout').toEqual([]);
}

function expectTransientOnly(outcomes: readonly TrafficOutcome[]): void {
  const unexpected = outcomes.filter((o) =>
    o.code === undefined ? o.status !== 200 : !TRANSIENT_CODES.has(o.code),
  );
  expect(unexpected, 'outcomes other than 200 or a transient typed error').toEqual([]);
}

async function startSoak(
  rig: ScaleRig,
  options: Partial<CreateSessionOptions> = SESSION_OPTIONS,
): Promise<{ session: Session; states: SessionState[]; traffic: ApiTraffic }> {
  const session = rig.newSession(options);
  cleanups.push(() => session.dispose());
  const states = recordStates(session);
  expect((await session.start()).status).toBe('signed-in');
  const pipeline = createAppPipeline({ session, profile: rig.profile, defaultTimeoutMs: API_TIMEOUT_MS });
  const traffic = startApiTraffic(pipeline, { workers: 4, intervalMs: 25, timeoutMs: API_TIMEOUT_MS });
  cleanups.push(() => traffic.stop());
  return { session, states, traffic };
}

interface TransientFault {
  name: string;
  apply(pool: RunningUserPool): Promise<void>;
  /** Ends the fault (a burst that drains by itself needs nothing). */
  clear(pool: RunningUserPool): Promise<void>;
}

const TRANSIENT_FAULTS: TransientFault[] = [
  {
    name: '503 burst',
    apply: async (pool) =>
      pool.injectTokenFaults(
        ...Array.from({ length: 4 }, () => ({
          kind: 'status' as const,
          status: 503,
          body: 'Service Unavailable',
        })),
      ),
    clear: async () => undefined,
  },
  {
    name: 'hang past the request timeout',
    apply: async (pool) => pool.injectTokenFaults({ kind: 'hang' }, { kind: 'hang' }),
    clear: async (pool) => pool.clearFaults(),
  },
  {
    name: 'connection resets',
    apply: async (pool) => pool.injectTokenFaults({ kind: 'reset' }, { kind: 'reset' }, { kind: 'reset' }),
    clear: async () => undefined,
  },
  {
    name: 'pool not listening (connection refused)',
    apply: (pool) => pool.suspendListening(),
    clear: (pool) => pool.resumeListening(),
  },
];

describe('faults soak', () => {
  it(
    `keeps the refresh token and recovers through 503 bursts, hangs, resets and refusals (${ROUNDS} round(s))`,
    async () => {
      assertPrivateKeyring();
      const rig = await startScaleRig({ tokenSeconds: TOKEN_SECONDS });
      cleanups.push(() => rig.close());
      const pool = rig.localPool!;
      const refreshToken = await rig.signInOnce();
      const { session, states, traffic } = await startSoak(rig);
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // healthy traffic first

      for (let round = 0; round < ROUNDS; round++) {
        for (const fault of TRANSIENT_FAULTS) {
          const from = states.length;
          await fault.apply(pool);
          // 5 s tokens: a refresh is due within seconds; the fault must show as offline, not as a sign-out.
          await waitFor(`${fault.name}: offline state`, () => states.slice(from).some(isOffline));
          expect(await keychainRefreshToken(rig), `${fault.name}: keychain during the fault`).toBe(
            refreshToken,
          );
          const cleared = Date.now();
          await fault.clear(pool);
          await waitFor(`${fault.name}: recovery`, () => isOnline(session.getState(), cleared));
          expect(await keychainRefreshToken(rig), `${fault.name}: keychain after recovery`).toBe(
            refreshToken,
          );
          const during = states.slice(from);
          expect(
            during.filter((s) => s.status !== 'signed-in'),
            `${fault.name}: states other than signed-in`,
          ).toEqual([]);
          const offline = during.find(isOffline);
          expect(
            offline?.status === 'signed-in' && offline.nextRetryAt,
            `${fault.name}: next retry shown`,
          ).toBeGreaterThan(0);
          // Traffic after recovery is all 200 again.
          // Waits for completed requests rather than a fixed time, so a slow machine is not a failure.
          const recovered = Date.now();
          const completedSince = () =>
            traffic.since(recovered).filter((o) => o.startedAt + o.ms < Date.now());
          await waitFor(`${fault.name}: traffic after recovery`, () => completedSince().length >= 4);
          const after = completedSince();
          expect(
            after.filter((o) => o.status !== 200),
            `${fault.name}: traffic after recovery`,
          ).toEqual([]);
        }
      }
      await traffic.stop();
      expectBounded(traffic.outcomes);
      expectTransientOnly(traffic.outcomes);
      expect(traffic.outcomes.filter((o) => o.status === 200).length).toBeGreaterThan(100);
      expect(await pool.isRefreshTokenActive(refreshToken)).toBe(true);
    },
    60_000 * ROUNDS,
  );

  it('survives the pool process crashing and restarting on the same port, and says what happened', async () => {
    assertPrivateKeyring();
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const poolProcess: PoolProcess = await startPoolProcess({
      port: await freePort(),
      definition: rigPoolDefinition(redirectUri, TOKEN_SECONDS),
    });
    cleanups.push(() => poolProcess.stop());
    const rig = await startScaleRig({ tokenSeconds: TOKEN_SECONDS, pool: poolProcess.ready, redirectUri });
    cleanups.push(() => rig.close());
    const refreshToken = await rig.signInOnce();
    const { states, traffic } = await startSoak(rig);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Crash: connection refused while down. Transient: the refresh token stays.
    let from = states.length;
    await poolProcess.kill();
    await waitFor('offline while the pool is down', () => states.slice(from).some(isOffline));
    expect(await keychainRefreshToken(rig)).toBe(refreshToken);
    expect(states.slice(from).filter((s) => s.status !== 'signed-in')).toEqual([]);

    // Restart: the local pool keeps grants in memory, so it comes back without this session.
    // Its answer is invalid_grant: the app must sign out with a reason and wipe the keychain.
    from = states.length;
    await poolProcess.restart();
    await waitFor('signed out after the restarted pool refused the grant', () =>
      states.slice(from).some((s) => s.status === 'signed-out'),
    );
    const signedOut = states.slice(from).find((s) => s.status === 'signed-out');
    expect(signedOut?.status === 'signed-out' && signedOut.reason).toMatch(/^(expired|revoked)$/);
    // The engine deletes the keychain entry first and publishes signed-out only then, so the
    // entry is already gone the moment the state is seen.
    expect(
      (await keychainRefreshToken(rig)) === undefined,
      'keychain entry gone when signed-out is seen',
    ).toBe(true);
    const outageEnd = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await traffic.stop();
    expectBounded(traffic.outcomes);
    const allowed = new Set([...TRANSIENT_CODES, 'SESSION_EXPIRED', 'SIGN_IN_REQUIRED']);
    expect(
      traffic.outcomes.filter((o) => (o.code === undefined ? o.status !== 200 : !allowed.has(o.code))),
      'outcomes other than 200 or a typed session error',
    ).toEqual([]);
    const afterSignOut = traffic.since(outageEnd + 100);
    expect(afterSignOut.length).toBeGreaterThan(0);
    expect(afterSignOut.filter((o) => o.code !== 'SIGN_IN_REQUIRED')).toEqual([]);

    // A new sign-in against the restarted pool works and traffic flows again. The restarted
    // pool also signs with new keys; sessions in this process share one JWKS cache, and jose
    // refuses to refetch a JWKS within 30 s of the last fetch (cooldownDuration), so a session
    // on the shared cache would stay offline for up to 30 s. A freshly started app has its own
    // cache: another requestMs gives this session one (the cache is keyed on it).
    const fresh = await rig.signInOnce();
    const next = await startSoak(rig, {
      ...SESSION_OPTIONS,
      timeouts: { requestMs: 1_499, revokeMs: 1_000 },
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    await next.traffic.stop();
    expect(await keychainRefreshToken(rig)).toBe(fresh);
    expect(next.traffic.outcomes.length).toBeGreaterThan(0);
    expect(next.traffic.outcomes.filter((o) => o.status !== 200)).toEqual([]);
  });
});
