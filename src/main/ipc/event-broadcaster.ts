import { eventChannels, type EventChannel, type EventOf } from '../../shared/ipc-contract';

/**
 * Sends contract events to the app's own windows only. Each payload is checked against the
 * contract's event schema first: the schemas are strict and token-free, so a field that should
 * never reach a renderer (a token someone added to a state object) stops here instead.
 */
export interface EventTarget {
  id: number;
  isDestroyed(): boolean;
  send(channel: EventChannel, payload: unknown): void;
}

export type EventEmitter = <C extends EventChannel>(channel: C, payload: EventOf<C>) => void;

export function createEventBroadcaster(
  appWindows: () => EventTarget[],
  log?: (line: string) => void,
): EventEmitter {
  return (channel, payload) => {
    const parsed = eventChannels[channel].safeParse(payload);
    if (!parsed.success) {
      log?.(`ipc: dropped a ${channel} event that does not match the contract`);
      return;
    }
    for (const target of appWindows()) {
      if (!target.isDestroyed()) target.send(channel, parsed.data);
    }
  };
}
