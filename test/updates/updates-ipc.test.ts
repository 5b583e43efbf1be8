import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/main/http/api-client';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createInProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck } from '../../src/main/ipc/senders';
import {
  createUpdateController,
  updateSettings,
  type UpdaterPort,
} from '../../src/main/updates/update-controller';
import { NO_POLICY } from '../../src/main/policy/effective-policy';
import { eventChannels } from '../../src/shared/ipc-contract';
import { RecordingProfiles, RecordingSession } from '../ipc/controllers';

/**
 * Updates through the IPC path the window uses: the real handlers on handle() over an in-process
 * ipcMain stand-in, the real UpdateController with a recording port standing in for
 * electron-updater. The page reads the state, hears every change as an `updates:changed` event
 * (checked against the contract's schema), and "Restart to update" reaches quitAndInstall only
 * when an update is ready and no sign-in is running; otherwise a coded refusal comes back.
 */
const APP_URL = 'app://cognito-desktop/index.html';
const sender = { id: 3, mainFrameUrl: APP_URL, senderFrame: { url: APP_URL, isMainFrame: true } };
const FEED = 'https://updates.example.com/desktop';

/** A recording stand-in for electron-updater's autoUpdater: answers the checks it is given. */
function recordingPort(answers: Array<string | null>) {
  const calls: string[] = [];
  const port: UpdaterPort = {
    setFeedUrl: (url) => void calls.push(`feed ${url}`),
    checkForUpdate: async () => {
      calls.push('check');
      return answers.shift() ?? null;
    },
    download: async () => void calls.push('download'),
    quitAndInstall: () => void calls.push('quitAndInstall'),
  };
  return { port, calls };
}

function world(options: { enabled: boolean; answers?: Array<string | null> }) {
  const { port, calls } = recordingPort(options.answers ?? []);
  const session = new RecordingSession();
  const updates = createUpdateController({
    port,
    settings: updateSettings({
      policy: NO_POLICY,
      feedUrl: options.enabled ? FEED : undefined,
      packaged: true,
    }),
    timers: { now: () => 1000, setTimeout: () => 0, clearTimeout: () => undefined },
    isSignInActive: () => session.getState().status === 'signing-in',
  });
  const api: ApiClient = { request: async () => Promise.reject(new Error('unused')), cancel: () => false };
  const handlers = createHandlers({ session, profiles: new RecordingProfiles(), api, updates });
  const registrar = createInProcessRegistrar();
  registerInvokeHandlers(
    {
      registrar,
      senderCheck: createSenderCheck({ appUrls: [APP_URL], isAppWebContents: (id) => id === sender.id }),
    },
    handlers.invoke,
  );
  const events: unknown[] = [];
  handlers.subscribeEvents((channel, payload) => {
    if (channel === 'updates:changed') events.push(eventChannels['updates:changed'].parse(payload));
  });
  const invoke = (channel: 'updates:get-state' | 'updates:restart') => registrar.invoke(channel, sender, {});
  return { invoke, updates, session, calls, events };
}

describe('updates through IPC', () => {
  it('shows the state, sends each change, and restarts only on the click once ready', async () => {
    const w = world({ enabled: true, answers: ['0.2.0'] });
    expect(await w.invoke('updates:get-state')).toEqual({ ok: true, value: { status: 'idle' } });
    expect(await w.invoke('updates:restart')).toMatchObject({
      ok: false,
      error: { code: 'UPDATE_NOT_READY' },
    });

    await w.updates.checkNow();
    expect(w.events).toEqual([
      { status: 'checking' },
      { status: 'downloading', version: '0.2.0' },
      { status: 'ready', version: '0.2.0' },
    ]);
    expect(await w.invoke('updates:get-state')).toEqual({
      ok: true,
      value: { status: 'ready', version: '0.2.0' },
    });
    // Downloaded, and still nothing restarts by itself.
    expect(w.calls).toEqual(['check', 'download']);

    expect(await w.invoke('updates:restart')).toEqual({ ok: true, value: null });
    expect(w.calls).toEqual(['check', 'download', 'quitAndInstall']);
  });

  it('refuses to restart during a sign-in with a clear, coded message, and restarts once it is over', async () => {
    const w = world({ enabled: true, answers: ['0.2.0'] });
    await w.updates.checkNow();
    w.session.setState({ status: 'signing-in', startedAt: 0, storage: { kind: 'keychain' } });
    const refused = await w.invoke('updates:restart');
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'UPDATE_DURING_SIGN_IN',
        message: 'Finish or cancel the sign-in first, then restart to update.',
      },
    });
    expect(w.calls).not.toContain('quitAndInstall');
    w.session.setState({ status: 'signed-out', reason: 'user', storage: { kind: 'keychain' } });
    expect(await w.invoke('updates:restart')).toEqual({ ok: true, value: null });
    expect(w.calls.at(-1)).toBe('quitAndInstall');
  });

  it('without a feed: "off" with its reason, no check, and restart refused', async () => {
    const w = world({ enabled: false });
    w.updates.start();
    expect(await w.invoke('updates:get-state')).toEqual({
      ok: true,
      value: { status: 'off', reason: 'no-feed' },
    });
    expect(await w.invoke('updates:restart')).toMatchObject({
      ok: false,
      error: { code: 'UPDATE_NOT_READY' },
    });
    expect(w.calls).toEqual([]);
  });
});
