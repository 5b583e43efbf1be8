/**
 * The renderer's screens and error states in Chromium, driven by a scripted main side: the
 * built page, the built preload (out/preload/index.cjs), and canned IPC results. This covers states that are
 * slow or impossible to reach for real on one machine (every sign-in error code, memory-only
 * storage, several profiles, a configuration error); the end-to-end tests cover the flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../tools/support/browser';
import { installTestTransport, type TestTransport } from '../support/test-transport';
import type { SessionController } from '../../src/main/auth/session-controller';
import type { ProfilesController } from '../../src/main/config/profiles-controller';
import type { ApiClient } from '../../src/main/http/api-client';
import { createHandlers } from '../../src/main/ipc/handlers';
import { AppError, type ErrorCode } from '../../src/shared/errors';
import type { Profiles } from '../../src/shared/ipc-contract';
import type { SessionState } from '../../src/shared/session-state';
import { builtRendererCopy } from './built-renderer';
import { screenshot, seriousA11yViolationsBothSchemes } from './page-checks';
import { startRendererServer, type RendererServer } from './renderer-server';

const KEYCHAIN = { kind: 'keychain' } as const;
const PROFILES: Profiles = {
  activeProfileId: 'local-demo',
  profiles: [
    {
      id: 'local-demo',
      label: 'Local demo',
      demo: true,
      apis: [{ name: 'demo', baseUrl: 'http://127.0.0.1:1' }],
    },
  ],
};

interface Script {
  state: SessionState;
  profiles: Profiles;
  /** What auth:sign-in does: an error code makes it fail like the session engine would. */
  signInError?: { code: ErrorCode; message: string };
  /** What a successful auth:sign-in ends in: published to the window like the engine does. */
  signInTo?: SessionState;
  calls: Array<{ channel: string; payload: unknown }>;
  /** What session:retry-now does (the engine's online()); given the emitter for session:changed. */
  retryNow?: (emit: (state: SessionState) => void) => void;
}

let browser: Browser;
let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;

beforeAll(async () => {
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  build?.dispose();
});

/**
 * Stand-ins for the session engine, API client and profile store behind the REAL handlers,
 * handle() pipeline and the built preload (test/support/test-transport.ts).
 */
function scriptedHandlers(script: Script) {
  const listeners = new Set<(state: SessionState) => void>();
  const session: SessionController = {
    signIn: async () => {
      if (script.signInError) throw new AppError(script.signInError.code, script.signInError.message);
      if (script.signInTo) {
        script.state = script.signInTo;
        for (const listener of listeners) listener(script.state);
      }
      return script.state;
    },
    cancelSignIn: async () => undefined,
    reopenBrowser: async () => undefined,
    signOut: async () => ({ status: 'signed-out', reason: 'user', storage: KEYCHAIN }),
    getState: () => script.state,
    onChanged: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    retryNow: () =>
      script.retryNow?.((state) => {
        script.state = state;
        for (const listener of listeners) listener(state);
      }),
  };
  const api: ApiClient = {
    request: async () => {
      throw new AppError('NETWORK_ERROR', 'connect ECONNREFUSED 127.0.0.1:1');
    },
    cancel: () => false,
  };
  const profiles: ProfilesController = {
    list: () => script.profiles,
    switchTo: async (profileId) => {
      script.profiles = { ...script.profiles, activeProfileId: profileId };
      return script.profiles;
    },
  };
  return createHandlers({ session, api, profiles });
}

/**
 * Opens the built renderer over the scripted main. With `fixedTime`, the page's clock (Date.now,
 * new Date) reads exactly that epoch ms while timers keep running (Playwright's clock): countdowns
 * then show one exact value however slow the machine is, and a wrong computation still fails.
 */
async function openPage(
  initial: Partial<Script>,
  options: { fixedTime?: number } = {},
): Promise<{ page: Page; script: Script; transport: TestTransport }> {
  const script: Script = {
    state: { status: 'signed-out', reason: 'none', storage: KEYCHAIN },
    profiles: PROFILES,
    calls: [],
    ...initial,
  };
  // axe-core needs a page from an explicit context.
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  if (options.fixedTime !== undefined) await page.clock.setFixedTime(options.fixedTime);
  const transport = await installTestTransport(page, scriptedHandlers(script), { appUrl: server.url });
  await page.goto(server.url);
  return {
    page,
    script: Object.defineProperty(script, 'calls', {
      get: () =>
        transport.messages
          .filter((m) => m.direction === 'invoke')
          .map((m) => ({ channel: m.channel, payload: m.payload })),
    }),
    transport,
  };
}

describe('sign-in screen (scripted main)', () => {
  it('shows the app, the environment, the demo badge and a focused heading; passes axe', async () => {
    const { page } = await openPage({});
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    try {
      await page.reload();
      await page.getByRole('heading', { name: 'Cognito Desktop' }).waitFor();
      expect(await page.getByText('Environment: Local demo').isVisible()).toBe(true);
      expect(await page.getByText('Demo user pool').isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement
              .id,
        ),
      ).toBe('sign-in-heading');
      await screenshot(page, 'sign-in', { dark: true });
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('offers an environment selector when there are several profiles and switches through main', async () => {
    const { page, script } = await openPage({
      profiles: {
        activeProfileId: 'local-demo',
        profiles: [
          ...PROFILES.profiles,
          { id: 'staging', label: 'Staging (eu-west-1)', demo: false, apis: [] },
        ],
      },
    });
    try {
      const select = page.getByLabel('Environment');
      await select.selectOption({ label: 'Staging (eu-west-1)' });
      await page.getByText('Demo user pool').waitFor({ state: 'detached' });
      expect(script.calls.filter((c) => c.channel === 'profiles:switch').map((c) => c.payload)).toEqual([
        { profileId: 'staging' },
      ]);
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  const signInErrors: Array<[ErrorCode, RegExp, RegExp]> = [
    ['SIGN_IN_CANCELLED', /Sign-in was cancelled/, /when you are ready/],
    ['SIGN_IN_TIMEOUT', /took too long/, /start again/],
    ['SIGN_IN_DENIED', /cancelled at the identity provider/, /ask your administrator/],
    ['REDIRECT_PORTS_BUSY', /ports are in use/, /Close other copies/],
    ['IDP_UNREACHABLE', /cannot be reached/, /Check your network connection/],
    ['CONFIG_INVALID', /configuration has a problem/, /profile file/],
  ];
  it.each(signInErrors)('explains %s in plain words with a next step', async (code, what, next) => {
    const { page } = await openPage({
      signInError: { code, message: `detail for ${code}` },
    });
    try {
      await page.getByRole('button', { name: 'Sign in' }).click();
      const notice = page.locator('.notice').filter({ hasText: what });
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(next);
      // Cancel is the user's own choice: a polite status, not an alarm.
      expect(await notice.getAttribute('role')).toBe(code === 'SIGN_IN_CANCELLED' ? 'status' : 'alert');
      expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
      if (code === 'REDIRECT_PORTS_BUSY') {
        await screenshot(page, 'sign-in-error');
        expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
      }
    } finally {
      await page.context().close();
    }
  });

  it('names a broken profile file', async () => {
    const { page } = await openPage({
      profiles: {
        activeProfileId: null,
        profiles: [],
        configError: { file: 'profiles/work.json', message: 'Invalid profile field domain: must be https' },
      },
    });
    try {
      await page
        .getByText('profiles/work.json: Invalid profile field domain')
        .first()
        .waitFor({ state: 'attached' });
      expect(await page.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
    } finally {
      await page.context().close();
    }
  });
});

describe('signed-in states (scripted main)', () => {
  it('warns plainly when the sign-in is kept in memory only, and shows offline with the next retry', async () => {
    const now = Date.now();
    const state: SessionState = {
      status: 'signed-in',
      user: { sub: 's-1', username: 'carol', email: 'carol@example.com', groups: [] },
      accessTokenExpiresAt: now + 50 * 60_000,
      lastRefreshAt: now - 10 * 60_000,
      connectivity: 'offline',
      nextRetryAt: now + 90_000,
      storage: { kind: 'memory', reason: 'No Secret Service is running on D-Bus' },
    };
    const { page } = await openPage({ state }, { fixedTime: now });
    try {
      await page.getByRole('heading', { name: 'Welcome, carol' }).waitFor();
      expect(await page.getByText('Your sign-in is kept in memory only').isVisible()).toBe(true);
      expect(await page.getByText('No Secret Service is running on D-Bus').isVisible()).toBe(true);
      expect(await page.getByTestId('offline-next').textContent()).toBe('Next try in 1:30');
      expect(await page.getByTestId('connectivity').textContent()).toBe('Offline — next try in 1:30');
      // A user without the admin group gets no Admin link.
      expect(await page.getByRole('button', { name: 'Admin' }).count()).toBe(0);
      await screenshot(page, 'home-memory-only');
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('offline: counts down to the real next try, says Retrying… once it is due, and Retry now calls the session', async () => {
    const now = Date.now();
    const offline: SessionState = {
      status: 'signed-in',
      user: { sub: 's-1', username: 'carol', groups: [] },
      accessTokenExpiresAt: now + 50 * 60_000,
      lastRefreshAt: now - 10 * 60_000,
      connectivity: 'offline',
      nextRetryAt: now + 5_000,
      storage: KEYCHAIN,
    };
    const retried: SessionState[] = [];
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    // A clock the test moves: the countdown must follow it, not a value frozen at the first render.
    await page.clock.install({ time: now });
    const script: Script = {
      state: offline,
      profiles: PROFILES,
      calls: [],
      retryNow: (emit) => {
        const running: SessionState = { ...offline, connectivity: 'refreshing' };
        delete (running as { nextRetryAt?: number }).nextRetryAt;
        retried.push(running);
        emit(running);
      },
    };
    const transport = await installTestTransport(page, scriptedHandlers(script), { appUrl: server.url });
    try {
      await page.goto(server.url);
      const banner = page.getByTestId('offline-banner');
      await banner.waitFor();
      expect(await page.getByTestId('offline-next').textContent()).toBe('Next try in 0:05');
      await page.clock.runFor(2_000);
      await page.getByTestId('offline-next').getByText('Next try in 0:03').waitFor();
      expect(await page.getByTestId('connectivity').textContent()).toBe('Offline — next try in 0:03');
      // The planned moment comes and main has not answered yet: a try is running, not "0:00".
      await page.clock.runFor(3_500);
      await page.getByTestId('offline-next').getByText('Retrying…').waitFor();
      expect(await page.getByTestId('connectivity').textContent()).toBe('Offline — retrying…');
      expect(await banner.getByRole('button', { name: 'Retry now' }).isDisabled()).toBe(true);

      // Main plans the next try 30 s out; Retry now asks for it at once (session:retry-now).
      const pageNow = await page.evaluate(() => Date.now());
      transport.emit('session:changed', { ...offline, nextRetryAt: pageNow + 30_000 });
      await page
        .getByTestId('offline-next')
        .getByText(/^Next try in 0:(29|30)$/)
        .waitFor();
      const retry = banner.getByRole('button', { name: 'Retry now' });
      expect(await retry.isEnabled()).toBe(true);
      await retry.click();
      await page.getByTestId('offline-next').getByText('Retrying…').waitFor();
      expect(retried).toHaveLength(1);
      expect(
        transport.messages.filter((m) => m.direction === 'invoke' && m.channel === 'session:retry-now'),
      ).toHaveLength(1);
      expect(await banner.getByRole('button', { name: 'Retry now' }).isDisabled()).toBe(true);
      // Back online: the banner goes.
      transport.emit('session:changed', { ...offline, connectivity: 'online', lastRefreshAt: pageNow });
      await banner.waitFor({ state: 'detached' });
    } finally {
      await transport.dispose();
      await context.close();
    }
  });

  it('follows session:changed events pushed by main', async () => {
    const now = Date.now();
    const { page, transport } = await openPage({}, { fixedTime: now });
    try {
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      transport.emit('session:changed', {
        status: 'signing-in',
        startedAt: now - 65_000,
        storage: KEYCHAIN,
      });
      await page.getByRole('heading', { name: 'Continue in your browser' }).waitFor();
      expect(await page.getByTestId('elapsed').textContent()).toBe('1:05');
      transport.emit('session:changed', { status: 'signed-out', reason: 'revoked', storage: KEYCHAIN });
      await page.getByTestId('session-ended').waitFor();
      expect(await page.getByTestId('session-ended').textContent()).toMatch(/Sign in again/);
    } finally {
      await page.context().close();
    }
  });

  it('says "signed out elsewhere" for that reason, not a generic expiry (issue 28)', async () => {
    const now = Date.now();
    const { page, transport } = await openPage({
      state: {
        status: 'signed-in',
        user: { sub: 's-4', username: 'carol', groups: [] },
        accessTokenExpiresAt: now + 3_600_000,
        lastRefreshAt: now,
        connectivity: 'online',
        storage: KEYCHAIN,
      },
    });
    try {
      await page.getByRole('heading', { name: 'Welcome, carol' }).waitFor();
      transport.emit('session:changed', {
        status: 'signed-out',
        reason: 'signed-out-elsewhere',
        storage: KEYCHAIN,
      });
      await page.getByTestId('session-ended').waitFor();
      const text = await page.getByTestId('session-ended').textContent();
      expect(text).toContain(
        "You were signed out: your organisation's session limit was reached or you signed out on another device.",
      );
      expect(text).not.toMatch(/expired/);
    } finally {
      await page.context().close();
    }
  });
});

describe('keyboard use', () => {
  const activeElement = `(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent, tag: el.tagName, outline: style.outlineStyle, width: style.outlineWidth };
  })()`;
  type Active = { text: string; tag: string; outline: string; width: string };

  it('signs in with the keyboard alone, with a visible focus ring', async () => {
    const now = Date.now();
    const { page, script } = await openPage({
      signInTo: {
        status: 'signed-in',
        user: { sub: 's-k', username: 'kim', groups: [] },
        accessTokenExpiresAt: now + 3_600_000,
        lastRefreshAt: now,
        connectivity: 'online',
        storage: KEYCHAIN,
      },
    });
    try {
      await page.getByRole('heading', { name: 'Cognito Desktop' }).waitFor();
      await page.keyboard.press('Tab');
      const focused = (await page.evaluate(activeElement)) as Active;
      expect(focused).toMatchObject({ text: 'Sign in', tag: 'BUTTON', outline: 'solid', width: '3px' });
      await page.keyboard.press('Enter');
      // Signed in: the Home screen greets the user and its heading takes the focus.
      await page.getByRole('heading', { name: 'Welcome, kim' }).waitFor();
      await expect
        .poll(async () => ((await page.evaluate(activeElement)) as Active).text)
        .toBe('Welcome, kim');
      expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
      expect(script.calls.filter((c) => c.channel === 'auth:sign-in')).toHaveLength(1);
    } finally {
      await page.context().close();
    }
  });

  it('navigates and opens the account menu from the keyboard; Escape closes it and returns focus', async () => {
    const now = Date.now();
    const { page, script } = await openPage({
      state: {
        status: 'signed-in',
        user: { sub: 's-3', username: 'alice', groups: ['admin'] },
        accessTokenExpiresAt: now + 3_600_000,
        lastRefreshAt: now,
        connectivity: 'online',
        storage: KEYCHAIN,
      },
    });
    try {
      await page.getByRole('heading', { name: 'Welcome, alice' }).waitFor();
      const notes = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Notes' });
      await notes.focus();
      await page.keyboard.press('Enter');
      // The new screen's heading takes focus, so a screen reader announces where the user is.
      await expect.poll(async () => ((await page.evaluate(activeElement)) as Active).text).toBe('Notes');

      const menuButton = page.getByRole('button', { name: /alice.*account menu/ });
      await menuButton.focus();
      await page.keyboard.press('Enter');
      expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
      expect(((await page.evaluate(activeElement)) as Active).text).toBe('Sign out');
      await page.keyboard.press('Escape');
      expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
      expect(((await page.evaluate(activeElement)) as Active).text).toMatch(/^alice/);
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);

      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      expect(((await page.evaluate(activeElement)) as Active).text).toBe(
        'Sign out and forget this browser sign-in',
      );
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(script.calls.filter((c) => c.channel === 'auth:sign-out').map((c) => c.payload)).toEqual([
        { endHostedUiSession: true },
      ]);
    } finally {
      await page.context().close();
    }
  });
});

describe('hardening and layout', () => {
  it('the CSP blocks inline script and inline handlers; the page loads nothing from another origin', async () => {
    const requests: string[] = [];
    const { page } = await openPage({});
    try {
      page.on('request', (request) => requests.push(request.url()));
      await page.reload();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      // DOM-inserted inline script and an inline event handler: both must be refused by the CSP.
      const outcome = (await page.evaluate(`new Promise((resolve) => {
        const violations = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.body.append(script);
        const img = document.createElement('img');
        img.setAttribute('onerror', 'window.__handlerRan = true');
        img.src = 'data:,not-an-image';
        document.body.append(img);
        setTimeout(() => resolve({
          inlineRan: window.__inlineRan === true,
          handlerRan: window.__handlerRan === true,
          violations,
        }), 500);
      })`)) as { inlineRan: boolean; handlerRan: boolean; violations: string[] };
      expect(outcome.inlineRan).toBe(false);
      expect(outcome.handlerRan).toBe(false);
      expect(outcome.violations.filter((v) => v.startsWith('script-src')).length).toBeGreaterThanOrEqual(2);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((url) => !url.startsWith(server.url) && !url.startsWith('data:'))).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('reads at 200% zoom: the signed-in screens reflow without horizontal scrolling', async () => {
    const now = Date.now();
    const { page } = await openPage({
      state: {
        status: 'signed-in',
        user: { sub: 's-2', username: 'alice', email: 'alice@example.com', groups: ['admin'] },
        accessTokenExpiresAt: now + 3_600_000,
        lastRefreshAt: now,
        connectivity: 'online',
        storage: KEYCHAIN,
      },
    });
    try {
      // 200% zoom of a 1100 x 760 window is a 550 x 380 CSS-pixel viewport at twice the density.
      await page.setViewportSize({ width: 550, height: 380 });
      await page.getByRole('heading', { name: 'Welcome, alice' }).waitFor();
      const overflow = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';
      expect(await page.evaluate(overflow)).toBe(0);
      for (const view of ['Notes', 'Admin', 'API console']) {
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('button', { name: view, exact: true })
          .click();
        await page.getByRole('heading', { level: 2 }).first().waitFor();
        expect(await page.evaluate(overflow), view).toBe(0);
      }
    } finally {
      await page.context().close();
    }
  });
});
