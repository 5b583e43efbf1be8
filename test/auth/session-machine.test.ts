/**
 * The session machine's transition table as data: every state x event pair is a transition or a
 * refusal by name, and fast-check event sequences (results for current and for stale work,
 * mixed with user actions) never reach an undefined pair, never save to the keychain after a
 * sign-out, never clear the keychain on dispose, and never have two refreshes in flight.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MachineConfig } from '../../src/main/auth/session-machine/config';
import type { Effect } from '../../src/main/auth/session-machine/effects';
import {
  EVENT_TYPES,
  INITIAL_STATE,
  PHASE_KINDS,
  STATE_NAMES,
  stateName,
  type EventBody,
  type MachineState,
} from '../../src/main/auth/session-machine/states';
import { isRefusal } from '../../src/main/auth/session-machine/table';
import { cellFor, transition } from '../../src/main/auth/session-machine/transition';
import { TokenSet } from '../../src/main/auth/token-set';

const CONFIG: MachineConfig = { marginMs: 60_000, backoff: { baseMs: 2_000, capMs: 300_000 } };
const FLEET: MachineConfig = { ...CONFIG, backoff: { ...CONFIG.backoff, spreadMs: 60_000 } };

const tokens = (at: number, rotated: boolean, sub = 'alice') =>
  new TokenSet({
    accessToken: `access-${at}`,
    idToken: `id-${at}`,
    refreshToken: rotated ? `refresh-${at}` : 'refresh-0',
    receivedAt: at,
    expiresInSeconds: 3600,
    user: { sub, username: sub, groups: [] },
  });

describe('the transition table', () => {
  it('has a cell for every state x event pair: a transition to named states, or a refusal by name', () => {
    const refusals = new Set<string>();
    for (const kind of PHASE_KINDS) {
      for (const type of EVENT_TYPES) {
        const cell = cellFor(kind, type);
        expect(cell, `${kind} x ${type}`).toBeDefined();
        if (isRefusal(cell)) {
          expect(cell.refuse).toMatch(/^[a-z][a-z-]+$/);
          refusals.add(cell.refuse);
        } else {
          for (const to of cell.to) expect(STATE_NAMES).toContain(to);
          expect(typeof cell.run).toBe('function');
        }
      }
    }
    expect(PHASE_KINDS.length * EVENT_TYPES.length).toBe(6 * 20);
    expect([...refusals].sort()).toEqual([
      'already-disposed',
      'already-signed-in',
      'already-started',
      'disposed',
      'no-attempt',
      'not-signed-in',
      'signing-out',
      'stale-result',
      'stale-timer',
    ]);
  });

  it('dispose is a state of its own: from signed-in it clears nothing and keeps the refresh already sent', () => {
    let s: MachineState = INITIAL_STATE;
    const step = (body: EventBody, at = 1_000) => {
      const out = transition(CONFIG, s, { ...body, at, rand: [0.5, 0.5] });
      s = out.state;
      return out.effects;
    };
    step({ type: 'start', ticket: 1 });
    step({
      type: 'credential-loaded',
      result: { kind: 'found', credential: { refreshToken: 'refresh-0', savedAt: 0 } },
    });
    expect(stateName(s.phase)).toBe('signed-in/refreshing');
    const flightId =
      s.phase.kind === 'signed-in' && s.phase.link.kind === 'refreshing' ? s.phase.link.flight.id : -1;
    step({ type: 'refresh-ready', flightId });
    expect(step({ type: 'dispose' }).map((e) => e.kind)).toEqual(['close-signed-out-page', 'log']);
    expect(s.phase).toMatchObject({ kind: 'disposed', flight: { id: flightId, phase: 'requesting' } });
    // The rotated token of the refresh already sent is saved for the next start.
    const effects = step({ type: 'refresh-succeeded', flightId, tokens: tokens(2_000, true) });
    expect(effects.map((e) => e.kind)).toEqual(['save-credential']);
    const saved = step({ type: 'credential-saved', owner: { kind: 'flight', id: flightId } });
    expect(saved).toEqual([{ kind: 'reply', ticket: 1, answer: { kind: 'state' } }]);
    expect(s.phase).toEqual({ kind: 'disposed' });
  });

  it('a result for a refresh the state no longer names is refused as stale, with no effect', () => {
    const out = transition(CONFIG, INITIAL_STATE, {
      type: 'refresh-succeeded',
      flightId: 7,
      tokens: tokens(1, true),
      at: 1,
      rand: [0, 0],
    });
    expect(out).toMatchObject({ refused: 'stale-result', effects: [], state: INITIAL_STATE });
  });
});

/** What an event sequence step is, before the state picks its ids. */
type Pick = { type: (typeof EVENT_TYPES)[number]; current: boolean; n: number; flag: boolean; load: number };

/** The ids the current state waits for, so that results can be for current or for stale work. */
function idsOf(s: MachineState) {
  const p = s.phase;
  return {
    attempt:
      p.kind === 'signing-in'
        ? p.attempt.id
        : p.kind === 'disposed'
          ? p.attempt?.id
          : p.kind === 'signed-in'
            ? p.renewal?.id
            : undefined,
    flight:
      p.kind === 'signed-in' && p.link.kind === 'refreshing'
        ? p.link.flight.id
        : p.kind === 'disposed'
          ? p.flight?.id
          : undefined,
    timer: p.kind === 'signed-in' && p.link.kind !== 'refreshing' ? p.link.timer?.id : undefined,
    clear: p.kind === 'signing-out' ? p.clearId : p.kind === 'restoring' ? p.clearId : undefined,
  };
}

function eventFor(pick: Pick, s: MachineState, ticket: number): EventBody {
  const ids = idsOf(s);
  const id = (current: number | undefined) => (pick.current && current !== undefined ? current : pick.n);
  const saveOwner = () =>
    ids.flight !== undefined && (pick.flag || ids.attempt === undefined)
      ? { kind: 'flight' as const, id: id(ids.flight) }
      : { kind: 'attempt' as const, id: id(ids.attempt) };
  switch (pick.type) {
    case 'start':
      return { type: 'start', ticket };
    case 'credential-loaded': {
      const credential = { refreshToken: 'refresh-0', savedAt: 0 };
      const results = [
        { kind: 'found' as const, credential },
        { kind: 'empty' as const },
        { kind: 'corrupt' as const },
        { kind: 'removal-pending' as const, credential },
      ];
      return { type: 'credential-loaded', result: results[pick.load % results.length]! };
    }
    case 'sign-in-requested':
      return { type: 'sign-in-requested', ticket, choice: {} };
    case 'sign-in-again-requested':
      return { type: 'sign-in-again-requested', ticket, choice: {} };
    case 'sign-in-cancel':
      return { type: 'sign-in-cancel' };
    case 'sign-in-succeeded':
      return { type: 'sign-in-succeeded', attemptId: id(ids.attempt), tokens: tokens(ticket, true) };
    case 'sign-in-failed':
      return {
        type: 'sign-in-failed',
        attemptId: id(ids.attempt),
        error: { code: 'IDP_UNREACHABLE', message: 'down' },
      };
    case 'token-wanted':
      return { type: 'token-wanted', ticket };
    case 'token-rejected':
      return { type: 'token-rejected', ticket, newer: pick.flag };
    case 'refresh-ready':
      return { type: 'refresh-ready', flightId: id(ids.flight) };
    case 'refresh-succeeded':
      return { type: 'refresh-succeeded', flightId: id(ids.flight), tokens: tokens(ticket, pick.flag) };
    case 'refresh-failed':
      return {
        type: 'refresh-failed',
        flightId: id(ids.flight),
        failure:
          pick.load % 3 === 0
            ? { kind: 'invalid_grant', reason: 'revoked' }
            : {
                kind: 'transient',
                error: { code: 'IDP_UNREACHABLE', message: 'down' },
                throttled: pick.load % 3 === 1,
              },
      };
    case 'credential-saved':
      return { type: 'credential-saved', owner: saveOwner() };
    case 'credential-cleared':
      return { type: 'credential-cleared', clearId: id(ids.clear), ok: pick.flag };
    case 'revoke-finished':
      return { type: 'revoke-finished', outcome: 'revoked' };
    case 'timer-fired':
      return { type: 'timer-fired', timerId: id(ids.timer) };
    case 'resume':
      return { type: 'resume' };
    case 'online':
      return { type: 'online' };
    case 'sign-out-requested':
      return { type: 'sign-out-requested', ticket, endHostedUi: pick.flag };
    case 'dispose':
      return { type: 'dispose' };
  }
}

const pickArb: fc.Arbitrary<Pick & { follow: boolean }> = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  current: fc.boolean(),
  n: fc.integer({ min: 0, max: 40 }),
  flag: fc.boolean(),
  load: fc.nat(11),
  follow: fc.boolean(),
});

/**
 * The events a state waits for (results of its own work, and what users and timers do then):
 * half the generated steps pick among these, so that sequences get deep into a session (a
 * refresh on the wire, a save in flight) instead of mostly being refused at the start.
 */
function likelyAfter(s: MachineState): readonly Pick['type'][] {
  const p = s.phase;
  switch (p.kind) {
    case 'signed-out':
      return ['start', 'sign-in-requested'];
    case 'restoring':
      return ['credential-loaded', 'credential-cleared', 'revoke-finished'];
    case 'signing-in':
      return ['sign-in-succeeded', 'sign-in-failed', 'credential-saved', 'sign-in-cancel'];
    case 'signed-in':
      return p.link.kind === 'refreshing'
        ? [
            'refresh-ready',
            'refresh-succeeded',
            'refresh-failed',
            'credential-saved',
            'token-rejected',
            'token-wanted',
            'sign-in-succeeded',
          ]
        : p.renewal
          ? ['sign-in-succeeded', 'sign-in-failed', 'sign-in-cancel', 'credential-saved', 'timer-fired']
          : ['timer-fired', 'token-wanted', 'token-rejected', 'resume', 'online', 'sign-in-again-requested'];
    case 'signing-out':
      return ['credential-cleared', 'credential-saved'];
    case 'disposed':
      return [
        'refresh-ready',
        'refresh-succeeded',
        'refresh-failed',
        'credential-saved',
        'sign-in-succeeded',
      ];
  }
}

/** One representative state per state name, reached by events from the start (ids are the state's own). */
function representatives(): Map<string, { state: MachineState; config: MachineConfig }> {
  const found = new Map<string, { state: MachineState; config: MachineConfig }>();
  const run = (config: MachineConfig, path: Pick['type'][]) => {
    let s: MachineState = INITIAL_STATE;
    let at = 1_000;
    path.forEach((type, i) => {
      at += 500;
      const body = eventFor({ type, current: true, n: 0, flag: false, load: 0 }, s, 100 + i);
      s = transition(config, s, { ...body, at, rand: [0.5, 0.5] }).state;
      const name = stateName(s.phase);
      if (!found.has(name)) found.set(name, { state: s, config });
    });
  };
  found.set('signed-out', { state: INITIAL_STATE, config: CONFIG });
  run(CONFIG, ['sign-in-requested']);
  run(CONFIG, [
    'start',
    'credential-loaded',
    'refresh-ready',
    'refresh-succeeded',
    'credential-saved',
    'sign-out-requested',
  ]);
  run(FLEET, ['start', 'credential-loaded']);
  // load 1: a transient failure (not invalid_grant) takes the session offline; then dispose.
  let s: MachineState = INITIAL_STATE;
  for (const [type, load] of [
    ['start', 0],
    ['credential-loaded', 0],
    ['refresh-ready', 0],
    ['refresh-failed', 1],
    ['dispose', 0],
  ] as const) {
    s = transition(CONFIG, s, {
      ...eventFor({ type, current: true, n: 0, flag: false, load }, s, 1),
      at: 2_000,
      rand: [0.5, 0.5],
    }).state;
    const name = stateName(s.phase);
    if (!found.has(name)) found.set(name, { state: s, config: CONFIG });
  }
  return found;
}

describe('every state x event pair, from a state of each name', () => {
  const reps = representatives();

  it('reaches a state of every declared name', () => {
    expect([...reps.keys()].sort()).toEqual([...STATE_NAMES].sort());
  });

  for (const name of STATE_NAMES) {
    it(`${name}: each event, for current and for stale work, is refused by name (state kept) or leads where its cell says`, () => {
      const { state, config } = reps.get(name)!;
      for (const type of EVENT_TYPES) {
        for (const current of [true, false]) {
          for (const load of [0, 1, 2, 3]) {
            const body = eventFor({ type, current, n: 39, flag: load % 2 === 1, load }, state, 900);
            const cell = cellFor(state.phase.kind, type);
            const out = transition(config, state, { ...body, at: 5_000, rand: [0.25, 0.75] });
            const label = `${name} x ${type} (${current ? 'current' : 'stale'}, ${load})`;
            if (isRefusal(cell)) {
              expect(out.refused, label).toBe(cell.refuse);
              expect(out.state, label).toBe(state);
              expect(
                out.effects.every((e) => e.kind === 'reply'),
                label,
              ).toBe(true);
            } else {
              expect(out.refused, label).toBeUndefined();
              const to = stateName(out.state.phase);
              expect([name, ...cell.to], label).toContain(to);
              // A declared destination other than the state itself is one the table says it can leave for.
              if (to !== name) expect(cell.to, label).toContain(to);
            }
            if (state.phase.kind === 'disposed' || type === 'dispose') {
              expect(
                out.effects.map((e) => e.kind),
                label,
              ).not.toContain('clear-credential');
            }
            if (state.phase.kind === 'signing-out') {
              expect(
                out.effects.map((e) => e.kind),
                label,
              ).not.toContain('save-credential');
            }
          }
        }
      }
    });
  }
});

describe('one refresh at a time, from a refresh on the wire', () => {
  it('no event, for current or stale work, starts another refresh while the sent one is unanswered', () => {
    let s: MachineState = INITIAL_STATE;
    for (const type of ['start', 'credential-loaded', 'refresh-ready'] as const) {
      const body = eventFor({ type, current: true, n: 0, flag: false, load: 0 }, s, 1);
      s = transition(CONFIG, s, { ...body, at: 2_000, rand: [0.5, 0.5] }).state;
    }
    expect(s.phase).toMatchObject({
      kind: 'signed-in',
      link: { kind: 'refreshing', flight: { phase: 'requesting' } },
    });
    const sent = idsOf(s).flight;
    for (const type of EVENT_TYPES) {
      for (const current of [true, false]) {
        for (const flag of [true, false]) {
          const body = eventFor({ type, current, n: 39, flag, load: 1 }, s, 900);
          const out = transition(CONFIG, s, { ...body, at: 3_000, rand: [0.5, 0.5] });
          const answered = 'flightId' in body && body.flightId === sent && !out.refused;
          const wiped = out.state.phase.kind !== 'signed-in';
          if (answered || wiped) continue;
          const kinds = out.effects.map((e) => e.kind);
          const label = `${type} (${current ? 'current' : 'stale'}, ${flag})`;
          expect(kinds, label).not.toContain('discover-for-refresh');
          expect(kinds, label).not.toContain('send-refresh');
          expect(idsOf(out.state).flight, label).toBe(sent);
        }
      }
    }
  });
});

describe('generated event sequences (fast-check)', () => {
  it('reach only defined pairs and declared states; no save after a sign-out, no clear on dispose, one refresh at a time', () => {
    fc.assert(
      fc.property(
        fc.array(pickArb, { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (picks, fleet, r) => {
          let s: MachineState = INITIAL_STATE;
          let at = 1_000;
          let wiped = false;
          let disposed = false;
          /** send-refresh requests on the wire for this session (since its last wipe). */
          const wire = new Set<number>();
          picks.forEach((pick, i) => {
            at += 1 + pick.n * 997;
            const likely = likelyAfter(s);
            const type = pick.follow ? likely[pick.n % likely.length]! : pick.type;
            const body = eventFor({ ...pick, type }, s, i + 1);
            const before = s;
            const cell = cellFor(before.phase.kind, body.type);
            expect(cell).toBeDefined();
            const out = transition(fleet ? FLEET : CONFIG, before, { ...body, at, rand: [r, 1 - r] });
            const from = stateName(before.phase);
            const to = stateName(out.state.phase);
            if (isRefusal(cell)) {
              expect(out.refused).toBe(cell.refuse);
              expect(out.state).toBe(before);
            } else if (to !== from) {
              expect(cell.to).toContain(to);
            }
            const kinds = out.effects.map((e: Effect) => e.kind);
            if (body.type === 'dispose' || before.phase.kind === 'disposed') {
              expect(kinds).not.toContain('clear-credential');
            }
            if (wiped) expect(kinds).not.toContain('save-credential');
            // A refresh on the wire is the only one: nothing starts another until it is answered.
            if (wire.size > 0) expect(kinds).not.toContain('discover-for-refresh');
            for (const e of out.effects) {
              if (e.kind === 'send-refresh') {
                expect(wire.size).toBe(0);
                wire.add(e.flightId);
              }
            }
            if (
              (body.type === 'refresh-succeeded' || body.type === 'refresh-failed') &&
              !out.refused &&
              wire.has(body.flightId)
            ) {
              wire.delete(body.flightId);
            }
            if (out.state.phase.kind === 'signing-out') {
              wiped = true;
              wire.clear(); // whatever was sent before the wipe is discarded when it answers
            }
            if (out.state.phase.kind === 'signing-in' || out.state.phase.kind === 'restoring') wiped = false;
            if (out.state.phase.kind === 'disposed') disposed = true;
            if (disposed) expect(out.state.phase.kind).toBe('disposed');
            s = out.state;
          });
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
