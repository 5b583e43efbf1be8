/**
 * The session-end notice's planning (app/session-end-notice.ts) on a manual clock, against a
 * session controller stand-in that publishes states: once per end, `leadMs` before it (at once
 * when less is left), none without an end or after it, a new end plans again, the action signs
 * in again, and the words follow the app's language. The real-pool behaviour is
 * test/renderer/session-end-e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  followSessionEnd,
  sessionEndNoticeText,
  SESSION_END_WARNING_LEAD_MS,
  type SessionEndNoticeText,
} from '../../src/main/app/session-end-notice';
import type { Clock } from '../../src/main/auth/clock';
import type { SessionController } from '../../src/main/auth/session-controller';
import type { SessionState } from '../../src/shared/session-state';

function manualClock(start: number) {
  let now = start;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= now) {
        timers.delete(id);
        t.fn();
      }
    }
  };
  return { clock, advance, pending: () => timers.size };
}

function controller(initial: SessionState) {
  let state = initial;
  const listeners = new Set<(s: SessionState) => void>();
  const calls: string[] = [];
  const session: SessionController = {
    signIn: async () => {
      calls.push('signIn');
      return state;
    },
    signInAgain: async () => {
      calls.push('signInAgain');
      return state;
    },
    cancelSignIn: async () => undefined,
    reopenBrowser: async () => undefined,
    signOut: async () => state,
    getState: () => state,
    onChanged: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const publish = (s: SessionState) => {
    state = s;
    for (const l of listeners) l(s);
  };
  return { session, publish, calls };
}

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const signedIn = (sessionEndsAt?: number): SessionState => ({
  status: 'signed-in',
  user: { sub: 'a', username: 'alice', groups: [] },
  accessTokenExpiresAt: T0 + 3_600_000,
  lastRefreshAt: T0,
  connectivity: 'online',
  ...(sessionEndsAt === undefined ? {} : { sessionEndsAt }),
  storage: { kind: 'keychain' },
});
const signedOut: SessionState = { status: 'signed-out', reason: 'none', storage: { kind: 'keychain' } };

function world(initial: SessionState) {
  const time = manualClock(T0);
  const ctl = controller(initial);
  const shown: Array<{ at: number; notice: SessionEndNoticeText; act: () => void }> = [];
  let closed = 0;
  const notice = followSessionEnd({
    session: ctl.session,
    clock: time.clock,
    language: () => 'en',
    notifier: {
      show: (n, act) => {
        shown.push({ at: time.clock.now(), notice: n, act });
        return { close: () => void (closed += 1) };
      },
    },
  });
  return { ...time, ...ctl, shown, notice, closed: () => closed };
}

describe('the session-end notice', () => {
  it('comes once, ten minutes before the end, and its action signs in again', async () => {
    const end = T0 + 8 * 3_600_000;
    const w = world(signedIn(end));
    w.advance(end - SESSION_END_WARNING_LEAD_MS - T0 - 1);
    expect(w.shown).toHaveLength(0);
    w.advance(1);
    expect(w.shown.map((s) => s.at)).toEqual([end - SESSION_END_WARNING_LEAD_MS]);
    // Refreshes republish the same end: no second notice.
    w.publish({
      ...(signedIn(end) as Extract<SessionState, { status: 'signed-in' }>),
      lastRefreshAt: T0 + 1,
    });
    w.advance(60_000);
    expect(w.shown).toHaveLength(1);
    w.shown[0]!.act();
    await Promise.resolve();
    expect(w.calls).toEqual(['signInAgain']);
    w.notice.dispose();
  });

  it('at once when less than the lead is left; none without an end, after it, or once signed out', () => {
    const w = world(signedIn(T0 + 5 * 60_000));
    w.advance(0);
    expect(w.shown).toHaveLength(1);
    // Signed out: the shown notice is withdrawn, nothing is planned.
    w.publish(signedOut);
    expect(w.closed()).toBe(1);
    expect(w.pending()).toBe(0);
    w.publish(signedIn());
    expect(w.pending()).toBe(0);
    w.publish(signedIn(T0 - 1));
    w.advance(3_600_000);
    expect(w.shown).toHaveLength(1);
    w.notice.dispose();
  });

  it('a new end (signed in again) plans a new notice and drops the old plan', () => {
    const w = world(signedIn(T0 + 3_600_000));
    w.advance(30 * 60_000);
    w.publish(signedIn(T0 + 30 * 60_000 + 3_600_000));
    w.advance(20 * 60_000); // past the first end's warning time
    expect(w.shown).toHaveLength(0);
    w.advance(30 * 60_000);
    expect(w.shown.map((s) => s.at)).toEqual([T0 + 30 * 60_000 + 3_600_000 - SESSION_END_WARNING_LEAD_MS]);
    w.notice.dispose();
    expect(w.pending()).toBe(0);
  });

  it('speaks the app language', () => {
    const at = Date.UTC(2026, 11, 7, 14, 5);
    expect(sessionEndNoticeText('de', at)).toMatchObject({
      title: expect.stringMatching(/^Ihre Sitzung endet um \d\d:\d\d$/),
      action: 'Erneut anmelden',
    });
    expect(sessionEndNoticeText('en', at).action).toBe('Sign in again');
    expect(sessionEndNoticeText('en-XA', at).action).not.toBe('Sign in again');
  });
});
