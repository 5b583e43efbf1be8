import { describe, expect, it } from 'vitest';
import { NO_POLICY, resolvePolicy } from '../../src/main/policy/effective-policy';
import {
  CHECK_INTERVAL_MS,
  CHECK_JITTER_MS,
  createUpdateController,
  installerFeedUrl,
  updateSettings,
  type UpdaterPort,
  type UpdateState,
} from '../../src/main/updates/update-controller';

/**
 * The update decision layer: when the app checks, what the UI shows, that policy can switch it
 * off, that a bad feed is a state and not a crash, and that nothing but the user's click restarts
 * the app (and never during a sign-in). electron-updater itself sits behind `UpdaterPort`; here a
 * recording port (named as such) stands in for it.
 */

const FEED = 'https://updates.example.com/desktop';

/** Timers under the test's control: `advance(ms)` runs what falls due. */
function manualTimers() {
  let now = 0;
  const due: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  return {
    timers: {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => {
        const id = nextId++;
        due.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimeout: (id: unknown) => {
        const i = due.findIndex((d) => d.id === id);
        if (i >= 0) due.splice(i, 1);
      },
    },
    pending: () => due.map((d) => d.at - now),
    async advance(ms: number) {
      now += ms;
      for (;;) {
        const i = due.findIndex((d) => d.at <= now);
        if (i < 0) break;
        const [item] = due.splice(i, 1);
        item?.fn();
        await flush();
      }
    },
  };
}
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A recording stand-in for electron-updater's autoUpdater. */
function recordingPort(answers: Array<string | null | Error>) {
  const calls: string[] = [];
  const port: UpdaterPort = {
    setFeedUrl: (url) => void calls.push(`feed ${url}`),
    checkForUpdate: async () => {
      calls.push('check');
      const answer = answers.shift() ?? null;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    download: async () => void calls.push('download'),
    quitAndInstall: () => void calls.push('quitAndInstall'),
  };
  return { port, calls };
}

describe('update settings', () => {
  it('are off without a feed, off when policy says so, off in development, and https only', () => {
    expect(updateSettings({ policy: NO_POLICY, packaged: true })).toEqual({
      enabled: false,
      reason: 'no-feed',
    });
    const off = resolvePolicy([
      { scope: 'machine', source: 'p', document: { updates: { enabled: false, feedUrl: FEED } } },
    ]);
    expect(updateSettings({ policy: off, feedUrl: FEED, packaged: true }).reason).toBe('policy-off');
    expect(updateSettings({ policy: NO_POLICY, feedUrl: FEED, packaged: false }).reason).toBe('development');
    expect(
      updateSettings({ policy: NO_POLICY, feedUrl: 'http://updates.example.com', packaged: true }).reason,
    ).toBe('feed-not-https');
    expect(updateSettings({ policy: NO_POLICY, feedUrl: FEED, packaged: true })).toEqual({
      enabled: true,
      feedUrl: FEED,
      reason: 'on',
    });
    // The policy's feed wins over the installer's.
    const pinned = resolvePolicy([
      { scope: 'machine', source: 'p', document: { updates: { feedUrl: 'https://policy.example.com/f' } } },
    ]);
    expect(updateSettings({ policy: pinned, feedUrl: FEED, packaged: true }).feedUrl).toBe(
      'https://policy.example.com/f',
    );
  });
});

describe('update controller', () => {
  it('does nothing at all when updates are off', async () => {
    const clock = manualTimers();
    const { port, calls } = recordingPort(['2.0.0']);
    const controller = createUpdateController({
      port,
      settings: updateSettings({ policy: NO_POLICY, packaged: true }),
      timers: clock.timers,
      isSignInActive: () => false,
    });
    controller.start();
    await clock.advance(CHECK_INTERVAL_MS * 3);
    expect(calls).toEqual([]);
    expect(controller.state()).toEqual({ status: 'off', reason: 'no-feed' });
  });

  it('checks at start and then every interval plus jitter; downloads in the background; waits for the click', async () => {
    const clock = manualTimers();
    const { port, calls } = recordingPort([null, '2.0.0']);
    const states: UpdateState['status'][] = [];
    const controller = createUpdateController({
      port,
      settings: updateSettings({ policy: NO_POLICY, feedUrl: FEED, packaged: true }),
      timers: clock.timers,
      random: () => 0.5,
      isSignInActive: () => false,
    });
    controller.onChange((s) => states.push(s.status));
    controller.start();
    await flush();
    expect(calls).toEqual([`feed ${FEED}`, 'check']);
    expect(controller.state()).toMatchObject({ status: 'idle' });
    expect(clock.pending()).toEqual([CHECK_INTERVAL_MS + 0.5 * CHECK_JITTER_MS]);

    await clock.advance(CHECK_INTERVAL_MS + 0.5 * CHECK_JITTER_MS - 1);
    expect(calls.filter((c) => c === 'check')).toHaveLength(1);
    await clock.advance(1);
    expect(calls).toEqual([`feed ${FEED}`, 'check', 'check', 'download']);
    expect(controller.state()).toEqual({ status: 'ready', version: '2.0.0' });
    expect(states).toEqual(['checking', 'idle', 'checking', 'downloading', 'ready']);

    // A ready update is never installed by the app itself, however long it waits.
    await clock.advance(CHECK_INTERVAL_MS * 5);
    expect(calls).not.toContain('quitAndInstall');
    controller.restartToUpdate();
    expect(calls.at(-1)).toBe('quitAndInstall');
    controller.stop();
  });

  it('refuses to restart before an update is ready and during a sign-in', async () => {
    const clock = manualTimers();
    const { port, calls } = recordingPort(['2.1.0']);
    let signingIn = true;
    const controller = createUpdateController({
      port,
      settings: updateSettings({ policy: NO_POLICY, feedUrl: FEED, packaged: true }),
      timers: clock.timers,
      isSignInActive: () => signingIn,
    });
    expect(() => controller.restartToUpdate()).toThrow(expect.objectContaining({ code: 'UPDATE_NOT_READY' }));
    controller.start();
    await flush();
    expect(controller.state().status).toBe('ready');
    expect(() => controller.restartToUpdate()).toThrow(
      expect.objectContaining({ code: 'SIGN_IN_IN_PROGRESS' }),
    );
    expect(calls).not.toContain('quitAndInstall');
    signingIn = false;
    controller.restartToUpdate();
    expect(calls).toContain('quitAndInstall');
    controller.stop();
  });

  it('shows a bad feed as an error state with one short line, retries at the next interval, and recovers', async () => {
    const clock = manualTimers();
    const longError = new Error(`Cannot parse update info from latest.yml\n${'x'.repeat(5000)}`);
    const { port, calls } = recordingPort([longError, '3.0.0']);
    const controller = createUpdateController({
      port,
      settings: updateSettings({ policy: NO_POLICY, feedUrl: FEED, packaged: true }),
      timers: clock.timers,
      random: () => 0,
      isSignInActive: () => false,
    });
    controller.start();
    await flush();
    const state = controller.state();
    expect(state.status).toBe('error');
    expect(state.status === 'error' && state.message).toBe(
      'The update check failed: Cannot parse update info from latest.yml',
    );
    expect(calls).not.toContain('download');
    await clock.advance(CHECK_INTERVAL_MS);
    expect(controller.state()).toEqual({ status: 'ready', version: '3.0.0' });
    controller.stop();
  });

  it('runs one check at a time and stops scheduling after stop()', async () => {
    const clock = manualTimers();
    const { port, calls } = recordingPort([null, null, null]);
    const controller = createUpdateController({
      port,
      settings: updateSettings({ policy: NO_POLICY, feedUrl: FEED, packaged: true }),
      timers: clock.timers,
      isSignInActive: () => false,
    });
    await Promise.all([controller.checkNow(), controller.checkNow(), controller.checkNow()]);
    expect(calls.filter((c) => c === 'check')).toHaveLength(1);
    controller.start();
    await flush();
    controller.stop();
    await clock.advance(CHECK_INTERVAL_MS * 10);
    expect(calls.filter((c) => c === 'check')).toHaveLength(2);
    expect(clock.pending()).toEqual([]);
  });
});

describe('installer feed', () => {
  it('reads the generic feed electron-builder writes into app-update.yml, and nothing else', () => {
    expect(installerFeedUrl('provider: generic\nurl: https://updates.example.com/desktop\n')).toBe(
      'https://updates.example.com/desktop',
    );
    expect(
      installerFeedUrl("provider: generic\r\nurl: 'https://u.example.com/x'\r\nupdaterCacheDirName: y\r\n"),
    ).toBe('https://u.example.com/x');
    expect(installerFeedUrl('provider: github\nowner: x\nrepo: y\n')).toBeUndefined();
    expect(installerFeedUrl(undefined)).toBeUndefined();
  });
});
