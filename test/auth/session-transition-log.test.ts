/**
 * The session machine's token-free transition log against the real local pool: what the Home
 * timeline draws comes with the signed-in state (the current stretch only, main's times), an
 * outage shows as the transitions into offline with the retry planned, a sign-out ends the
 * stretch, and no token value or JWT ever appears in the log or the published states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/main/auth/clock';
import type { Session } from '../../src/main/auth/session';
import type { SessionState } from '../../src/shared/session-state';
import { currentSignedInRun, TransitionLogSchema } from '../../src/shared/session-timeline';
import { historyFromTimeline } from '../../src/renderer/src/session-history';
import { leakedSecrets, startHarness, type Harness } from './support/harness';

/** Real time, but timers never fire: the test decides when refreshes happen. */
const frozenTimers: Clock = { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined };

let h: Harness;
let session: Session;
let states: SessionState[];

beforeAll(async () => {
  h = await startHarness();
  session = h.newSession({ clock: frozenTimers });
  states = h.track(session);
});

afterAll(async () => {
  await session?.dispose();
  await h?.close();
});

const timelineOf = (state: SessionState) => (state.status === 'signed-in' ? (state.timeline ?? []) : []);

describe('transition log (token-free) and the timeline it feeds', () => {
  it('sign-in, an outage and the recovery are in the signed-in state, with the planned retry', async () => {
    await session.start();
    await session.signIn();
    const token = await session.getAccessToken();
    h.secrets.add(token);
    const signedIn = session.getState();
    expect(timelineOf(signedIn).map((e) => `${e.from}>${e.to}:${e.event}`)).toEqual([
      'signing-in>signed-in/online:credential-saved',
    ]);
    const signInAt = timelineOf(signedIn)[0]!.refreshedAt;
    expect(signInAt).toBe(signedIn.status === 'signed-in' && signedIn.lastRefreshAt);

    h.pool.injectTokenFaults({ kind: 'status', status: 503, body: 'unavailable' });
    try {
      await expect(session.forceRefresh(token)).rejects.toMatchObject({ code: 'IDP_UNREACHABLE' });
    } finally {
      h.pool.clearFaults();
    }
    const offline = session.getState();
    expect(offline).toMatchObject({ status: 'signed-in', connectivity: 'offline' });
    const intoOffline = timelineOf(offline).at(-1)!;
    expect(intoOffline).toMatchObject({
      from: 'signed-in/refreshing',
      to: 'signed-in/offline',
      event: 'refresh-failed',
    });
    expect(intoOffline.nextRetryAt).toBe(offline.status === 'signed-in' && offline.nextRetryAt);

    session.online();
    await expect
      .poll(() => session.getState().status === 'signed-in' && session.getState())
      .toMatchObject({
        connectivity: 'online',
      });
    h.secrets.add(await session.getAccessToken());
    const back = session.getState();
    const run = timelineOf(back);
    expect(run.map((e) => e.to)).toEqual([
      'signed-in/online',
      'signed-in/refreshing',
      'signed-in/offline',
      'signed-in/refreshing',
      'signed-in/online',
    ]);
    expect(run.at(-1)!.refreshedAt).toBe(back.status === 'signed-in' && back.lastRefreshAt);
    // What Home draws from it: two refreshes, one closed offline period with its planned retry.
    const history = historyFromTimeline('alice', run);
    expect(history.refreshes).toEqual([signInAt, run.at(-1)!.refreshedAt]);
    expect(history.offline).toEqual([
      { from: intoOffline.at, to: run.at(-1)!.at, retries: [intoOffline.nextRetryAt] },
    ]);
  }, 30_000);

  it('a sign-out ends the stretch; the next sign-in starts a new one; the full log stays in main', async () => {
    await session.signOut({ endHostedUiSession: false });
    expect(session.getState()).toMatchObject({ status: 'signed-out', reason: 'user' });
    expect('timeline' in session.getState()).toBe(false);
    await session.signIn();
    h.secrets.add(await session.getAccessToken());
    const all = session.transitions();
    expect(all.map((e) => e.to)).toContain('signing-out');
    expect(currentSignedInRun(all).map((e) => e.to)).toEqual(['signed-in/online']);
    expect(timelineOf(session.getState())).toEqual(currentSignedInRun(all));
    // Ordered, bounded and strictly of the schema's fields.
    expect(TransitionLogSchema.parse(all)).toEqual(all);
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
  }, 30_000);

  it('no token value and nothing JWT-shaped in the log or any published state', () => {
    expect(states.length).toBeGreaterThan(4);
    h.emitted.push(JSON.stringify(session.transitions()), ...states.map((s) => JSON.stringify(s)));
    expect(leakedSecrets(h)).toEqual([]);
  });
});
