import { describe, expect, it } from 'vitest';
import { createEventBroadcaster, type EventTarget } from '../../src/main/ipc/event-broadcaster';
import { createHandlers } from '../../src/main/ipc/handlers';
import type { ApiClient } from '../../src/main/http/api-client';
import type { SessionState } from '../../src/shared/session-state';
import { RecordingProfiles, RecordingSession } from './controllers';

function target(id: number, destroyed = false) {
  const received: Array<[string, unknown]> = [];
  const t: EventTarget & { received: typeof received } = {
    id,
    received,
    isDestroyed: () => destroyed,
    send: (channel, payload) => void received.push([channel, payload]),
  };
  return t;
}

describe('session events', () => {
  it('go to the app windows only, skip destroyed ones, and stop after unsubscribe', async () => {
    const session = new RecordingSession();
    const appWindow = target(1);
    const closed = target(2, true);
    // A webContents that was an app window and then left the app's list (its window was replaced,
    // or it was never the app's): appWindows() is asked on every event, so once it is out of the
    // list it gets nothing more. A broadcaster that kept the list it saw first would still send.
    const foreign = target(3);
    let windows: EventTarget[] = [appWindow, closed, foreign];
    let asked = 0;
    const emit = createEventBroadcaster(() => {
      asked++;
      return windows;
    });
    const api: ApiClient = { request: async () => Promise.reject(new Error('unused')), cancel: () => false };
    const handlers = createHandlers({ session, profiles: new RecordingProfiles(), api });
    const unsubscribe = handlers.subscribeEvents(emit);

    await session.signIn();
    expect(appWindow.received).toEqual([['session:changed', session.state]]);
    expect(foreign.received).toEqual([['session:changed', session.state]]);
    expect(closed.received).toEqual([]);

    windows = [appWindow, closed];
    await session.signOut({ endHostedUiSession: false });
    expect(appWindow.received.map(([, s]) => (s as SessionState).status)).toEqual([
      'signed-in',
      'signed-out',
    ]);
    expect(foreign.received).toHaveLength(1);
    expect(closed.received).toEqual([]);
    expect(asked).toBe(2);

    unsubscribe();
    expect(session.listenerCount()).toBe(0);
    await session.signIn();
    expect(appWindow.received).toHaveLength(2);
  });

  it('a state carrying a token (not in the contract) is dropped, not forwarded', () => {
    const appWindow = target(1);
    const logs: string[] = [];
    const emit = createEventBroadcaster(
      () => [appWindow],
      (l) => logs.push(l),
    );
    const leaky = {
      status: 'signed-out',
      reason: 'none',
      storage: { kind: 'keychain' },
      accessToken: 'SENTINEL-TOKEN-leak',
    } as unknown as SessionState;
    emit('session:changed', leaky);
    expect(appWindow.received).toEqual([]);
    expect(logs.join()).toContain('does not match the contract');
    expect(logs.join()).not.toContain('SENTINEL');
  });
});
