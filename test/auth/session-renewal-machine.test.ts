/**
 * Issue 28, in the session machine's pure transitions: why an invalid_grant ended the session
 * (the known end, or "signed out elsewhere"), the session's end published, and "Sign in again"
 * (a new sign-in beside the current session that replaces it only once saved).
 */
import { describe, expect, it } from 'vitest';
import type { MachineConfig } from '../../src/main/auth/session-machine/config';
import type { Effect } from '../../src/main/auth/session-machine/effects';
import { publishedState } from '../../src/main/auth/session-machine/published-state';
import { invalidGrantReason } from '../../src/main/auth/session-machine/rules';
import { INITIAL_STATE, type EventBody, type MachineState } from '../../src/main/auth/session-machine/states';
import { transition } from '../../src/main/auth/session-machine/transition';
import { TokenSet } from '../../src/main/auth/token-set';

const HOUR = 3_600_000;
const LIFETIME = 8 * HOUR;
const CONFIG: MachineConfig = {
  marginMs: 60_000,
  backoff: { baseMs: 2_000, capMs: 300_000 },
  sessionLifetimeMs: LIFETIME,
};
const NO_END: MachineConfig = { marginMs: 60_000, backoff: { baseMs: 2_000, capMs: 300_000 } };

const tokens = (at: number, refresh: string, sub = 'alice') =>
  new TokenSet({
    accessToken: `access-${at}`,
    idToken: `id-${at}`,
    refreshToken: refresh,
    receivedAt: at,
    expiresInSeconds: 3600,
    user: { sub, username: sub, groups: [] },
  });

/** A machine driven by hand: each step returns its effects; `at` moves as told. */
function drive(config: MachineConfig) {
  let s: MachineState = INITIAL_STATE;
  let ticket = 0;
  const step = (body: EventBody, at: number) => {
    const out = transition(config, s, { ...body, at, rand: [0.5, 0.5] });
    s = out.state;
    return out.effects;
  };
  const find = <K extends Effect['kind']>(effects: Effect[], kind: K) =>
    effects.find((e): e is Extract<Effect, { kind: K }> => e.kind === kind);
  return {
    get state() {
      return s;
    },
    step,
    find,
    ticket: () => ++ticket,
    /** Signed in at `at` with refresh token `rt` (the sign-in's code exchange sent at `at`). */
    signIn(at: number, rt = 'rt-1') {
      const begin = find(
        step({ type: 'sign-in-requested', ticket: ++ticket, choice: {} }, at),
        'begin-sign-in',
      )!;
      step({ type: 'sign-in-succeeded', attemptId: begin.attemptId, tokens: tokens(at, rt) }, at + 10);
      step({ type: 'credential-saved', owner: { kind: 'attempt', id: begin.attemptId } }, at + 20);
    },
    flightId(): number {
      const p = s.phase;
      if (p.kind !== 'signed-in' || p.link.kind !== 'refreshing') throw new Error(`no flight in ${p.kind}`);
      return p.link.flight.id;
    },
  };
}

describe('why an invalid_grant ended the session', () => {
  const t0 = 1_700_000_000_000;
  it('with the end known: expired once it is reached, signed out elsewhere before it', () => {
    expect(invalidGrantReason(CONFIG, { signedInAt: t0 }, 'expired', t0 + LIFETIME + 1)).toBe('expired');
    expect(invalidGrantReason(CONFIG, { signedInAt: t0 }, 'expired', t0 + LIFETIME - 1_000)).toBe('expired');
    expect(invalidGrantReason(CONFIG, { signedInAt: t0 }, 'expired', t0 + LIFETIME - 60_000)).toBe(
      'signed-out-elsewhere',
    );
    expect(invalidGrantReason(CONFIG, { signedInAt: t0 }, 'revoked', t0 + HOUR)).toBe('signed-out-elsewhere');
  });
  it('with no end known: a family younger than any Cognito refresh token validity was ended elsewhere', () => {
    expect(invalidGrantReason(NO_END, { signedInAt: t0 }, 'expired', t0 + 59 * 60_000)).toBe(
      'signed-out-elsewhere',
    );
    // Older, or of unknown age: the pool's own words.
    expect(invalidGrantReason(NO_END, { signedInAt: t0 }, 'expired', t0 + 2 * HOUR)).toBe('expired');
    expect(invalidGrantReason(NO_END, { signedInAt: t0 }, 'revoked', t0 + 2 * HOUR)).toBe('revoked');
    expect(invalidGrantReason(NO_END, {}, 'expired', t0)).toBe('expired');
  });

  it('the machine signs out with the reason and its message; the session end is published while signed in', () => {
    const m = drive(CONFIG);
    m.signIn(t0);
    const published = publishedState(m.state.phase, { kind: 'keychain' }, CONFIG);
    expect(published).toMatchObject({ status: 'signed-in', sessionEndsAt: t0 + LIFETIME });
    m.step({ type: 'token-rejected', ticket: m.ticket(), newer: false }, t0 + HOUR);
    const flightId = m.flightId();
    m.step({ type: 'refresh-ready', flightId }, t0 + HOUR);
    const effects = m.step(
      { type: 'refresh-failed', flightId, failure: { kind: 'invalid_grant', reason: 'expired' } },
      t0 + HOUR + 50,
    );
    expect(effects.map((e) => e.kind)).toContain('clear-credential');
    expect(m.state.phase).toMatchObject({
      kind: 'signing-out',
      reason: 'signed-out-elsewhere',
      error: {
        code: 'SESSION_EXPIRED',
        message: expect.stringMatching(/session limit was reached or you signed out on another device/),
      },
    });
  });

  it('a rotated token is saved with its family sign-in time, so a restart still knows the end', () => {
    const m = drive(CONFIG);
    m.signIn(t0);
    m.step({ type: 'token-rejected', ticket: m.ticket(), newer: false }, t0 + 1_000);
    const flightId = m.flightId();
    m.step({ type: 'refresh-ready', flightId }, t0 + 1_000);
    const save = m.find(
      m.step({ type: 'refresh-succeeded', flightId, tokens: tokens(t0 + 1_000, 'rt-rotated') }, t0 + 1_100),
      'save-credential',
    );
    expect(save?.signedInAt).toBe(t0);
  });
});

describe('"Sign in again"', () => {
  const t0 = 1_700_000_000_000;

  it('keeps serving the current session while the browser is open, then replaces it once saved and revokes the old family', () => {
    const m = drive(CONFIG);
    m.signIn(t0, 'rt-old');
    const again = m.ticket();
    const begin = m.find(
      m.step({ type: 'sign-in-again-requested', ticket: again, choice: {} }, t0 + 600_000),
      'begin-sign-in',
    );
    expect(begin).toBeDefined();
    expect(publishedState(m.state.phase, { kind: 'keychain' }, CONFIG)).toMatchObject({
      status: 'signed-in',
      signingInAgainSince: t0 + 600_000,
    });
    // Meanwhile callers get the current token, no browser wait.
    const wanted = m.ticket();
    expect(m.step({ type: 'token-wanted', ticket: wanted }, t0 + 600_000 + 5)).toEqual([
      { kind: 'reply', ticket: wanted, answer: { kind: 'tokens', tokens: expect.any(TokenSet) } },
    ]);
    const fresh = tokens(t0 + 600_000 + 100, 'rt-new');
    const saved = m.step(
      { type: 'sign-in-succeeded', attemptId: begin!.attemptId, tokens: fresh },
      t0 + 600_000 + 100,
    );
    const save = m.find(saved, 'save-credential')!;
    expect(save).toMatchObject({ owner: { kind: 'flight' }, signedInAt: t0 + 600_000 + 100 });
    expect(save.tokens.refreshToken).toBe('rt-new');
    // Not yet current: the old refresh token is still the session's until the save lands.
    expect(m.state.phase.kind === 'signed-in' && m.state.phase.refreshToken.value).toBe('rt-old');
    const landed = m.step({ type: 'credential-saved', owner: save.owner }, t0 + 600_000 + 150);
    const revoke = m.find(landed, 'revoke');
    expect(revoke?.refreshToken.value).toBe('rt-old');
    expect(landed).toContainEqual({ kind: 'reply', ticket: again, answer: { kind: 'state' } });
    const p = m.state.phase;
    expect(p.kind === 'signed-in' && p.refreshToken.value).toBe('rt-new');
    expect(p.kind === 'signed-in' && p.renewal).toBeUndefined();
    // The new family's end counts from the new sign-in.
    expect(publishedState(p, { kind: 'keychain' }, CONFIG)).toMatchObject({
      sessionEndsAt: t0 + 600_000 + 100 + LIFETIME,
    });
  });

  it('with a refresh on the wire, the new tokens wait for its answer and are the only ones saved', () => {
    const m = drive(CONFIG);
    m.signIn(t0, 'rt-old');
    const begin = m.find(
      m.step({ type: 'sign-in-again-requested', ticket: m.ticket(), choice: {} }, t0 + 1_000),
      'begin-sign-in',
    )!;
    const caller = m.ticket();
    m.step({ type: 'token-rejected', ticket: caller, newer: false }, t0 + 2_000);
    const flightId = m.flightId();
    expect(m.find(m.step({ type: 'refresh-ready', flightId }, t0 + 2_000), 'send-refresh')).toBeDefined();
    const held = m.step(
      { type: 'sign-in-succeeded', attemptId: begin.attemptId, tokens: tokens(t0 + 2_100, 'rt-new') },
      t0 + 2_100,
    );
    expect(held.map((e) => e.kind)).not.toContain('save-credential');
    // The old refresh answers with a rotated token: it is not saved; the renewal's tokens are.
    const answered = m.step(
      { type: 'refresh-succeeded', flightId, tokens: tokens(t0 + 2_200, 'rt-old-rotated') },
      t0 + 2_200,
    );
    const saves = answered.filter((e) => e.kind === 'save-credential');
    expect(saves).toHaveLength(1);
    expect(saves[0]!.kind === 'save-credential' && saves[0]!.tokens.refreshToken).toBe('rt-new');
    const owner = saves[0]!.kind === 'save-credential' ? saves[0]!.owner : undefined;
    const landed = m.step({ type: 'credential-saved', owner: owner! }, t0 + 2_300);
    // The forced refresh's caller gets the new token; the old family's live (rotated) token is revoked.
    const reply = landed.find((e) => e.kind === 'reply' && e.ticket === caller);
    expect(
      reply?.kind === 'reply' && reply.answer.kind === 'tokens' && reply.answer.tokens.refreshToken,
    ).toBe('rt-new');
    expect(m.find(landed, 'revoke')?.refreshToken.value).toBe('rt-old-rotated');
  });

  it('cancelled, failed or another user: the session goes on unchanged', () => {
    for (const outcome of ['cancel', 'fail', 'other-user'] as const) {
      const m = drive(CONFIG);
      m.signIn(t0, 'rt-old');
      const ticket = m.ticket();
      const begin = m.find(
        m.step({ type: 'sign-in-again-requested', ticket, choice: {} }, t0 + 1_000),
        'begin-sign-in',
      )!;
      let effects: Effect[];
      if (outcome === 'cancel') {
        expect(m.find(m.step({ type: 'sign-in-cancel' }, t0 + 1_500), 'cancel-sign-in')).toBeDefined();
        effects = m.step(
          {
            type: 'sign-in-failed',
            attemptId: begin.attemptId,
            error: { code: 'SIGN_IN_CANCELLED', message: 'x' },
          },
          t0 + 1_600,
        );
      } else if (outcome === 'fail') {
        effects = m.step(
          {
            type: 'sign-in-failed',
            attemptId: begin.attemptId,
            error: { code: 'IDP_UNREACHABLE', message: 'down' },
          },
          t0 + 1_600,
        );
      } else {
        effects = m.step(
          {
            type: 'sign-in-succeeded',
            attemptId: begin.attemptId,
            tokens: tokens(t0 + 1_600, 'rt-bob', 'bob'),
          },
          t0 + 1_600,
        );
        expect(m.find(effects, 'revoke')?.refreshToken.value).toBe('rt-bob');
      }
      const expected = {
        cancel: 'SIGN_IN_CANCELLED',
        fail: 'IDP_UNREACHABLE',
        'other-user': 'SIGN_IN_OTHER_USER',
      }[outcome];
      expect(effects).toContainEqual({
        kind: 'reply',
        ticket,
        answer: { kind: 'error', error: expect.objectContaining({ code: expected }) },
      });
      expect(effects.map((e) => e.kind)).not.toContain('save-credential');
      const p = m.state.phase;
      expect(p.kind, outcome).toBe('signed-in');
      expect(p.kind === 'signed-in' && p.refreshToken.value, outcome).toBe('rt-old');
      expect(p.kind === 'signed-in' && p.renewal, outcome).toBeUndefined();
    }
  });

  it('a sign-out while it waits in the browser cancels it and answers its caller', () => {
    const m = drive(CONFIG);
    m.signIn(t0, 'rt-old');
    const ticket = m.ticket();
    const begin = m.find(
      m.step({ type: 'sign-in-again-requested', ticket, choice: {} }, t0 + 1_000),
      'begin-sign-in',
    )!;
    const effects = m.step(
      { type: 'sign-out-requested', ticket: m.ticket(), endHostedUi: false },
      t0 + 2_000,
    );
    expect(effects).toContainEqual({ kind: 'cancel-sign-in', attemptId: begin.attemptId });
    const p = m.state.phase;
    expect(p.kind === 'signing-out' && p.replies).toContainEqual({
      ticket,
      answer: { kind: 'error', error: expect.objectContaining({ code: 'SIGN_IN_CANCELLED' }) },
    });
  });

  it('signed out, "Sign in again" is a sign-in', () => {
    const m = drive(CONFIG);
    const effects = m.step({ type: 'sign-in-again-requested', ticket: m.ticket(), choice: {} }, t0);
    expect(effects.map((e) => e.kind)).toEqual(['begin-sign-in']);
    expect(m.state.phase.kind).toBe('signing-in');
  });
});
