/**
 * The shape of the transition table: for each event, for each phase, either a transition (the
 * state names it may lead to, and the pure function) or a refusal by name (the state stays; a
 * caller waiting on the event gets the refusal's answer). The diagram in docs/session.md and the
 * table tests read this shape.
 */
import type { MachineConfig } from './config';
import type { Effect } from './effects';
import type {
  Answer,
  EventBody,
  EventType,
  MachineState,
  Phase,
  PhaseKind,
  SessionEvent,
  StateName,
} from './states';

export interface Result {
  state: MachineState;
  effects: Effect[];
}

export type PhaseOf<K extends PhaseKind> = Extract<Phase, { kind: K }>;
export type EventOf<T extends EventType> = Extract<EventBody, { type: T }> &
  Pick<SessionEvent, 'at' | 'rand'>;

export interface Move<K extends PhaseKind, T extends EventType> {
  /** Where it may lead; a move may also stay (an answer only, or a result for other work). */
  to: readonly StateName[];
  run: (phase: PhaseOf<K>, event: EventOf<T>, step: Step, config: MachineConfig) => Result;
}

export interface Refusal {
  refuse: string;
  /** What a caller waiting on the refused event is told. */
  answer?: () => Answer;
}

export type Cell<K extends PhaseKind, T extends EventType> = Move<K, T> | Refusal;

/** One event's row: a cell for every phase (the type makes a missing pair a compile error). */
export type Row<T extends EventType> = { [K in PhaseKind]: Cell<K, T> };

export type Table = { [T in EventType]: Row<T> };

export const isRefusal = (cell: Cell<PhaseKind, EventType>): cell is Refusal => 'refuse' in cell;

export const refuse = (name: string, answer?: () => Answer): Refusal =>
  answer ? { refuse: name, answer } : { refuse: name };

/** Builds one transition's result: ids are drawn from the state, effects collected in order. */
export class Step {
  private nextId: number;
  readonly effects: Effect[] = [];
  constructor(state: MachineState) {
    this.nextId = state.nextId;
  }
  id(): number {
    return this.nextId++;
  }
  emit(...effects: Effect[]): this {
    this.effects.push(...effects);
    return this;
  }
  to(phase: Phase): Result {
    return { state: { phase, nextId: this.nextId }, effects: this.effects };
  }
}
