/**
 * The one place the session's state lives. dispatch() stamps an event (time, random draws), runs
 * the pure transition, keeps the new state, logs the step (token-free), lets the timers follow the
 * state, publishes the token-free SessionState on change, then performs the effects; their
 * outcomes come back through dispatch(). Events raised while a step runs wait their turn.
 */
import { SessionStateSchema, type SessionState, type SecretStorage } from '../../../shared/session-state';
import type { Clock } from '../clock';
import type { MachineConfig } from './config';
import type { Effect } from './effects';
import { INITIAL_PUBLISHED, publishedState } from './published-state';
import {
  INITIAL_STATE,
  stateName,
  type Answer,
  type EventBody,
  type MachineState,
  type Ticket,
} from './states';
import { createTimerSlot } from './timers';
import { currentSignedInRun } from '../../../shared/session-timeline';
import { createTransitionLog, type TransitionEntry } from './transition-log';
import { transition } from './transition';

export interface Runner {
  readonly state: MachineState;
  dispatch(event: EventBody): void;
  /** Dispatches an event that carries a ticket; resolves with the answer a transition gives it. */
  ask(make: (ticket: Ticket) => EventBody): Promise<Answer>;
  /** Resolves once the state satisfies `pred` (checked after every step). */
  waitFor(pred: (state: MachineState) => boolean): Promise<void>;
  published(): SessionState;
  onChanged(listener: (state: SessionState) => void): () => void;
  clearListeners(): void;
  transitions(): TransitionEntry[];
  /** Answers a ticket (an effect that ends a caller's wait itself). */
  reply(ticket: Ticket, answer: Answer): void;
  /** Set once: where effects go (the I/O side needs dispatch, so it is wired after creation). */
  setPerformer(perform: (effect: Effect) => void): void;
}

export function createRunner(options: {
  config: MachineConfig;
  clock: Clock;
  random: () => number;
  storage: () => SecretStorage;
}): Runner {
  const { config, clock, random } = options;
  let state: MachineState = INITIAL_STATE;
  let perform: (effect: Effect) => void = () => undefined;
  const listeners = new Set<(state: SessionState) => void>();
  const tickets = new Map<Ticket, (answer: Answer) => void>();
  const waiters = new Set<{ pred: (s: MachineState) => boolean; resolve: () => void }>();
  const log = createTransitionLog();
  let published: SessionState | undefined;
  let publishedJson = '';
  let nextTicket = 1;
  const queue: EventBody[] = [];
  let busy = false;

  const publish = () => {
    const found = publishedState(state.phase, options.storage(), config);
    if (!found) return;
    const candidate =
      found.status === 'signed-in' ? { ...found, timeline: currentSignedInRun(log.entries()) } : found;
    // Parsing with the strict schema guarantees only the documented, token-free fields go out.
    const next = SessionStateSchema.parse(candidate);
    const json = JSON.stringify(next);
    if (json === publishedJson) return;
    published = next;
    publishedJson = json;
    for (const listener of [...listeners]) {
      try {
        listener(next);
      } catch {
        // A faulty listener must not break the engine or the other listeners.
      }
    }
  };

  const record = (before: MachineState, type: EventBody['type']) => {
    const from = stateName(before.phase);
    const to = stateName(state.phase);
    if (from === to) return;
    const p = state.phase;
    const refreshedAt =
      p.kind === 'signed-in' &&
      (before.phase.kind !== 'signed-in' || before.phase.lastRefreshAt !== p.lastRefreshAt) &&
      p.lastRefreshAt > 0
        ? p.lastRefreshAt
        : undefined;
    const sub = p.kind === 'signed-in' ? (p.tokens?.user ?? p.user)?.sub : undefined;
    log.add({
      at: clock.now(),
      event: type,
      from,
      to,
      ...(p.kind === 'signed-in' && p.link.kind === 'offline' ? { nextRetryAt: p.link.nextRetryAt } : {}),
      ...(refreshedAt === undefined ? {} : { refreshedAt }),
      ...(sub === undefined ? {} : { sub }),
      ...(p.kind === 'signed-out' && p.error ? { code: p.error.code } : {}),
    });
  };

  const timers = createTimerSlot(clock, (timerId) => dispatch({ type: 'timer-fired', timerId }));

  const step = (body: EventBody) => {
    const before = state;
    const event = { ...body, at: clock.now(), rand: [random(), random()] as const };
    const outcome = transition(config, state, event);
    state = outcome.state;
    record(before, body.type);
    timers.follow(state.phase);
    publish();
    for (const effect of outcome.effects) perform(effect);
    for (const w of [...waiters]) {
      if (w.pred(state)) {
        waiters.delete(w);
        w.resolve();
      }
    }
  };

  function dispatch(body: EventBody): void {
    queue.push(body);
    if (busy) return;
    busy = true;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) step(next);
    } finally {
      busy = false;
    }
  }

  const reply = (ticket: Ticket, answer: Answer) => {
    const resolve = tickets.get(ticket);
    tickets.delete(ticket);
    resolve?.(answer);
  };

  return {
    reply,
    get state() {
      return state;
    },
    dispatch,
    ask(make) {
      const ticket = nextTicket++;
      const answer = new Promise<Answer>((resolve) => tickets.set(ticket, resolve));
      dispatch(make(ticket));
      return answer;
    },
    waitFor(pred) {
      if (pred(state)) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ pred, resolve }));
    },
    published: () => published ?? SessionStateSchema.parse(INITIAL_PUBLISHED(options.storage())),
    onChanged(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clearListeners: () => listeners.clear(),
    transitions: () => log.entries(),
    setPerformer(p) {
      perform = (effect) => {
        if (effect.kind === 'reply') reply(effect.ticket, effect.answer);
        else p(effect);
      };
    },
  };
}
