/**
 * Timers follow from the state: the one timer a phase names (proactive refresh, retry, fleet
 * turn) is the one that runs. A new spec id arms a new timer; a phase that names none clears it.
 * A timer that fires after its state ended reports an id no state names, and is refused.
 */
import type { Clock } from '../clock';
import type { Phase, TimerSpec } from './states';

export function timerOf(phase: Phase): TimerSpec | undefined {
  if (phase.kind !== 'signed-in' || phase.link.kind === 'refreshing') return undefined;
  return phase.link.timer;
}

export interface TimerSlot {
  follow(phase: Phase): void;
  clear(): void;
}

export function createTimerSlot(clock: Clock, fired: (timerId: number) => void): TimerSlot {
  let armed: { id: number; handle: unknown } | undefined;
  const clear = () => {
    if (armed) clock.clearTimeout(armed.handle);
    armed = undefined;
  };
  return {
    follow(phase) {
      const want = timerOf(phase);
      if (want?.id === armed?.id) return;
      clear();
      if (!want) return;
      const id = want.id;
      armed = { id, handle: clock.setTimeout(() => fired(id), Math.max(0, want.delayMs)) };
    },
    clear,
  };
}
