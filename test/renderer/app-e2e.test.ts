/**
 * End to end: the built renderer in Chromium with the BUILT preload (out/preload/index.cjs, over
 * a recording stand-in for require('electron'): test/support/test-transport.ts), the real IPC
 * pipeline and handlers, the real session engine and API client in this process, the local
 * user pool (a second Chromium context signs in on its Hosted UI page), the demo API and the
 * private test keyring. Writes the screenshots in docs/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppHarness, type AppHarness } from '../support/app-harness';
import { expectCountdownTrue, nav, serverNotes, signIn, signOut } from './app-e2e-steps';
import { builtRendererCopy } from './built-renderer';
import { screenshot, seriousA11yViolationsBothSchemes } from './page-checks';
import { startRendererServer, type RendererServer } from './renderer-server';

let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;

beforeAll(async () => {
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
});

afterAll(async () => {
  await server?.close();
  build?.dispose();
});

describe('the app with the local user pool and demo API (1-hour tokens)', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness(server.url);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('cancel a pending sign-in: waiting screen, open the page again, Cancel -> back to sign-in', async () => {
    h.browserBehaviour = { kind: 'leave-open' };
    const { page } = h;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Continue in your browser' }).waitFor();
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement
            .id,
      ),
    ).toBe('waiting-heading');
    await page.getByRole('button', { name: 'Open the sign-in page again' }).click();
    await page.getByText('Opened the sign-in page again.').waitFor();
    expect(h.openedUrls).toHaveLength(2);
    expect(h.openedUrls.every((u) => u.startsWith(`${h.pool.domain}/oauth2/authorize?`))).toBe(true);
    // The elapsed time runs.
    const first = await page.getByTestId('elapsed').textContent();
    await page.waitForFunction(
      (before) =>
        (
          globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
        ).document.querySelector('[data-testid="elapsed"]')?.textContent !== before,
      first,
    );
    await screenshot(page, 'waiting-for-browser');
    expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);

    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Sign-in was cancelled.' }).count()).toBe(1);
    expect(h.session.getState().status).toBe('signed-out');
  });

  it('alice signs in through the system browser and sees her user, groups, environment and the admin page', async () => {
    const { page } = h;
    await signIn(h, 'alice');
    await page.getByRole('heading', { name: 'Welcome, alice' }).waitFor();
    expect(await page.getByTestId('username').textContent()).toBe('alice');
    expect(await page.getByText('alice@example.com').isVisible()).toBe(true);
    expect(await page.getByRole('list', { name: 'Groups' }).textContent()).toBe('admin');
    expect(await page.getByTestId('connectivity').textContent()).toBe('Online');
    await expectCountdownTrue(h);
    expect(await page.getByText('Demo user pool').first().isVisible()).toBe(true);
    await screenshot(page, 'home', { dark: true });
    expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);

    await nav(page, 'Admin').click();
    const table = page.getByRole('table', { name: 'Users of the user pool' });
    await table.waitFor();
    expect(await table.getByRole('cell', { name: 'alice', exact: true }).count()).toBe(1);
    expect(await nav(page, 'Admin').getAttribute('aria-current')).toBe('page');
    await screenshot(page, 'admin');
    expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
  });

  it('notes: create, edit and delete on the demo API, with the empty state', async () => {
    const { page } = h;
    await nav(page, 'Notes').click();
    await page.getByText('No notes yet. Write your first one above.').waitFor();

    await page.getByLabel('Title').fill('Groceries');
    await page.getByLabel('Text').fill('Milk, eggs');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByRole('heading', { name: 'Groceries', level: 4 }).waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe('');
    await page.getByLabel('Title').fill('Call the bank');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByRole('heading', { name: 'Call the bank', level: 4 }).waitFor();

    await page.getByRole('button', { name: 'Edit note: Groceries' }).click();
    const editTitle = page.getByRole('listitem').getByLabel('Title');
    expect(
      await editTitle.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement),
    ).toBe(true);
    await editTitle.fill('Groceries for Sunday');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Groceries for Sunday', level: 4 }).waitFor();

    await screenshot(page, 'notes', { dark: true });
    expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);

    await page.getByRole('button', { name: 'Delete note: Call the bank' }).click();
    await page.getByRole('heading', { name: 'Call the bank', level: 4 }).waitFor({ state: 'detached' });
    expect(await page.getByTestId('announcer').textContent()).toMatch(/Note “Call the bank” deleted\./);

    // The server has exactly what the screen shows: read back from the demo API itself.
    const listed = await page
      .getByRole('list', { name: 'Your notes' })
      .getByRole('heading')
      .allTextContents();
    expect(listed).toEqual(['Groceries for Sunday']);
    expect(await serverNotes(h)).toEqual([{ title: 'Groceries for Sunday', body: 'Milk, eggs' }]);
  });

  it('a save while the API is down shows an error and keeps the text; it saves once the API is back', async () => {
    const { page } = h;
    await h.stopDemoApi();
    try {
      await page.getByLabel('Title').fill('Written offline');
      await page.getByLabel('Text').fill('Do not lose me');
      await page.getByRole('button', { name: 'Save note' }).click();
      const alert = page
        .getByRole('alert')
        .filter({ hasText: 'Your note was not saved; your text is kept.' });
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/cannot be reached/);
      expect(await page.getByLabel('Title').inputValue()).toBe('Written offline');
      expect(await page.getByLabel('Text').inputValue()).toBe('Do not lose me');
      await screenshot(page, 'notes-save-failed');
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
    } finally {
      await h.startDemoApi();
    }
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByRole('heading', { name: 'Written offline', level: 4 }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'not saved' }).count()).toBe(0);
    // Saved exactly once (the failed attempt left nothing behind), with the text kept.
    expect(await serverNotes(h)).toEqual([
      { title: 'Groceries for Sunday', body: 'Milk, eggs' },
      { title: 'Written offline', body: 'Do not lose me' },
    ]);
  });

  it('API console: status, time, filtered headers and pretty JSON; an allowlist refusal is shown as such', async () => {
    const { page } = h;
    await nav(page, 'API console').click();
    await page.getByLabel('Path').fill('/me');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('console-status').waitFor();
    expect(await page.getByTestId('console-status').textContent()).toMatch(/^200\b/);
    expect(await page.getByText(/^in \d+ ms$/).count()).toBe(1);
    const body = await page.getByTestId('console-body').textContent();
    expect(JSON.parse(body ?? '')).toMatchObject({ username: 'alice', groups: ['admin'] });
    expect(body).toContain('\n  "username": "alice"');
    await page.getByText(/^Headers \(\d+, filtered by the app\)$/).click();
    expect(await page.getByText('content-type', { exact: true }).count()).toBe(1);
    await screenshot(page, 'api-console');
    expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);

    await page.getByLabel('Path').fill('//evil.example/steal');
    await page.getByRole('button', { name: 'Send' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Refused by the allowlist' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/Not sent\./);

    await page.getByLabel('Path').fill('/me');
    await page.getByLabel(/^Headers/).fill('Authorization: Bearer stolen');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('alert').filter({ hasText: 'that header may not be set' }).waitFor();
  });

  it('sign out, and sign out forgetting the browser sign-in; then bob signs in and gets no admin page', async () => {
    const { page } = h;
    await signOut(h, 'alice', 'Sign out');
    expect(h.session.getState().status).toBe('signed-out');
    expect(await page.getByTestId('session-ended').count()).toBe(0);

    // The Hosted UI still remembers alice: the next sign-in needs no password.
    await signIn(h, 'alice');
    await signOut(h, 'alice', 'Sign out and forget this browser sign-in');
    // The screen changes as soon as the local wipe is done; the Hosted UI logout page follows.
    await expect
      .poll(() => h.openedUrls.at(-1), { timeout: 10_000 })
      .toMatch(new RegExp(`^${h.pool.domain}/logout\\?`));
    // Let the browser finish the logout (the Hosted UI cookie cleared) before the next sign-in.
    await h.browserIdle();

    await signIn(h, 'bob');
    // bob is in the demo pool's group staff (LocalPoolStaff: execute-api only), not admin.
    await page.getByRole('heading', { name: 'Welcome, bob' }).waitFor();
    expect(await page.getByTestId('groups').textContent()).toBe('staff');
    expect(await nav(page, 'Admin').count()).toBe(0);
    // The API refuses bob anyway; the console shows its 403.
    await nav(page, 'API console').click();
    await page.getByLabel('Path').fill('/admin/users');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('console-status').waitFor();
    expect(await page.getByTestId('console-status').textContent()).toMatch(/^403\b/);
  });
  it('no token crossed the IPC transport during all of the above', () => {
    const trace = JSON.stringify(h.transportMessages);
    expect(h.transportMessages.length).toBeGreaterThan(50);
    expect(trace).toContain('"api:request"');
    // JWTs (access and ID tokens) start with a base64url JSON header, "eyJ".
    expect(trace).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}/);
    expect(trace).not.toMatch(/refresh_token|access_token|id_token/i);
  });
});

describe('the app with 5-second tokens', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness(server.url, { tokenLifetimeSeconds: 5, backoff: { baseMs: 300, capMs: 1500 } });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the countdown runs and refreshes happen without disturbing the user', { timeout: 90_000 }, async () => {
    const { page } = h;
    await signIn(h, 'alice');
    await expectCountdownTrue(h);
    await nav(page, 'Notes').click();
    const title = page.getByLabel('Title');
    await title.click();
    await page.keyboard.type('Typed during refreshes');

    h.pool.resetCounters();
    const refreshedBefore = (): number => h.pool.counters.tokenRequests['refresh_token'] ?? 0;
    // Three refreshes at the pool, while the user stays where they are.
    await expect.poll(refreshedBefore, { timeout: 30_000, interval: 200 }).toBeGreaterThanOrEqual(3);
    expect(await title.inputValue()).toBe('Typed during refreshes');
    expect(
      await title.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement),
    ).toBe(true);
    expect(await page.getByRole('heading', { name: 'Notes', level: 2 }).isVisible()).toBe(true);
    expect(h.session.getState().status).toBe('signed-in');

    // The home panel shows a fresh countdown and a moving last-refresh time.
    await nav(page, 'Home').click();
    const lastRefresh = await page.getByTestId('last-refresh').textContent();
    await expect
      .poll(() => page.getByTestId('last-refresh').textContent(), { timeout: 15_000 })
      .not.toBe(lastRefresh);
    await expectCountdownTrue(h);
  });

  it('an identity-provider outage shows the offline banner, then recovers', { timeout: 90_000 }, async () => {
    const { page } = h;
    await h.pool.suspendListening();
    try {
      const banner = page.getByTestId('offline-banner');
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toMatch(/Offline: the sign-in service cannot be reached\./);
      expect(await page.getByTestId('connectivity').textContent()).toMatch(/^Offline/);
      await screenshot(page, 'home-offline');
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
    } finally {
      await h.pool.resumeListening();
    }
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 30_000 });
    await expect
      .poll(() => page.getByTestId('connectivity').textContent(), { timeout: 15_000 })
      .toMatch(/^(Online|Refreshing…)$/);
    expect(h.session.getState().status).toBe('signed-in');
  });

  it(
    'a global sign-out at the pool -> the next refresh says "signed out elsewhere" and shows sign-in, keeping place and text',
    { timeout: 90_000 },
    async () => {
      const { page } = h;
      await nav(page, 'Notes').click();
      await page.getByLabel('Title').fill('Half-written thought');
      await page.getByLabel('Text').fill('kept across the sign-in');
      await h.pool.globalSignOut('alice');
      // Cognito semantics: the access token still verifies at the API until it expires, so what
      // finds the revocation is the next token refresh (the scheduled one, or the one a call needs).
      // The user does nothing and loses nothing.
      const ended = page.getByTestId('session-ended');
      await ended.waitFor({ timeout: 30_000 });
      // Minutes old, nothing here ended it: the pool (or another device) did (issue 28).
      expect(await ended.textContent()).toMatch(/you signed out on another device/i);
      expect(await ended.textContent()).toMatch(/your unsaved note text is kept/);
      expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
      await screenshot(page, 'session-expired');
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);

      await signIn(h, 'alice');
      await page.getByRole('heading', { name: 'Notes', level: 2 }).waitFor();
      expect(await page.getByLabel('Title').inputValue()).toBe('Half-written thought');
      expect(await page.getByLabel('Text').inputValue()).toBe('kept across the sign-in');
      await page.getByRole('button', { name: 'Save note' }).click();
      await page.getByRole('heading', { name: 'Half-written thought', level: 4 }).waitFor();
    },
  );
  it(
    "another user who lands on the kept admin place sees the API's 403, and none of the previous drafts",
    { timeout: 90_000 },
    async () => {
      const { page } = h;
      await nav(page, 'Notes').click();
      await page.getByLabel('Title').fill('alice only');
      await nav(page, 'Admin').click();
      await page.getByRole('table', { name: 'Users of the user pool' }).waitFor();
      await h.pool.globalSignOut('alice');
      await page.getByTestId('session-ended').waitFor({ timeout: 30_000 });
      // Someone else sits down: the browser no longer remembers alice.
      await h.forgetBrowserSession();
      await signIn(h, 'bob');
      const forbidden = page.getByTestId('admin-forbidden');
      await forbidden.waitFor();
      expect(await forbidden.textContent()).toMatch(
        /You do not have access to the admin page \(403 Forbidden\)/,
      );
      expect(await nav(page, 'Admin').count()).toBe(0);
      await screenshot(page, 'admin-forbidden');
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
      await nav(page, 'Notes').click();
      await page.getByText('No notes yet. Write your first one above.').waitFor();
      expect(await page.getByLabel('Title').inputValue()).toBe('');
    },
  );
});

describe('the app with 30-second tokens', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness(server.url, {
      tokenLifetimeSeconds: 30,
      backoff: { baseMs: 500, capMs: 2000 },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it(
    'keeps working during an identity-provider outage while the access token is valid',
    { timeout: 90_000 },
    async () => {
      const { page } = h;
      await signIn(h, 'alice');
      await nav(page, 'Notes').click();
      await page.getByText('No notes yet. Write your first one above.').waitFor();
      await h.pool.suspendListening();
      try {
        // The scheduled refresh (shortly before expiry: a tenth of the lifetime plus a jittered
        // lead of 1/40 to 1/20) fails: offline, not signed out.
        await page.getByTestId('offline-banner').waitFor({ timeout: 30_000 });
        expect(await page.getByTestId('offline-banner').textContent()).toMatch(/You can keep working until/);
        await page.getByLabel('Title').fill('Saved while the IdP is down');
        await page.getByRole('button', { name: 'Save note' }).click();
        await page.getByRole('heading', { name: 'Saved while the IdP is down', level: 4 }).waitFor();
        expect(h.session.getState().status).toBe('signed-in');
      } finally {
        await h.pool.resumeListening();
      }
      await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 30_000 });
      await expect
        .poll(() => page.getByTestId('announcer').textContent(), { timeout: 10_000 })
        .toMatch(/Back online\./);
    },
  );
});
