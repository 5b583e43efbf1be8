/**
 * The Home session timeline against the real session engine and local user pool (5-second
 * tokens, test/support/app-harness.ts): it is drawn from the token-free session:changed events
 * only, shows the access token's lifetime, now and the next planned refresh, and a refresh
 * happening adds a mark live; the text alternative says the same; an identity-provider outage
 * shows as an offline period with its retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppHarness, type AppHarness } from '../support/app-harness';
import { builtRendererCopy } from './built-renderer';
import { screenshot, seriousA11yViolationsBothSchemes } from './page-checks';
import { startRendererServer, type RendererServer } from './renderer-server';

/** Page functions run in Chromium; the test tsconfig has no DOM lib, so the document is loose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;
let h: AppHarness;

beforeAll(async () => {
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
  h = await startAppHarness(server.url, { tokenLifetimeSeconds: 5, backoff: { baseMs: 300, capMs: 600 } });
});

afterAll(async () => {
  await h?.close();
  await server?.close();
  build?.dispose();
});

describe('session timeline on Home (5-second tokens)', () => {
  it(
    'draws lifetime, now and the next refresh; a refresh adds a mark live; the text alternative agrees',
    { timeout: 60_000 },
    async () => {
      const { page } = h;
      h.browserBehaviour = { kind: 'sign-in', user: 'alice' };
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Welcome, alice' }).waitFor();
      const timeline = page.getByTestId('timeline');
      await timeline.waitFor();
      expect(await timeline.getAttribute('role')).toBe('img');
      expect(await timeline.getAttribute('aria-label')).toMatch(/^Session timeline: .*1 refresh/);
      expect(await page.getByTestId('timeline-lifetime').count()).toBe(1);
      expect(await page.getByTestId('timeline-now').count()).toBe(1);
      await page.getByTestId('timeline-next').waitFor({ state: 'attached' });
      // Tooltips carry exact times.
      expect(await page.getByTestId('timeline-next').locator('title').textContent()).toMatch(
        /^Next planned refresh: .*\d:\d\d:\d\d/,
      );
      const firstRefresh = await page.getByTestId('timeline-refresh').count();
      expect(firstRefresh).toBe(1);

      // The "now" line moves with the clock.
      const nowBefore = await page.getByTestId('timeline-now').getAttribute('d');
      await page.waitForFunction(
        (d) =>
          (globalThis as unknown as { document: Doc }).document
            .querySelector('[data-testid="timeline-now"]')
            ?.getAttribute('d') !== d,
        nowBefore,
      );

      // The engine refreshes before the 5-second token expires: a second mark appears, live.
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { document: Doc }).document.querySelectorAll(
            '[data-testid="timeline-refresh"]',
          ).length >= 2,
        undefined,
        { timeout: 15_000 },
      );
      expect(await timeline.getAttribute('aria-label')).toMatch(/\d+ refreshes/);
      await page.getByText('Timeline as text').click();
      const facts = await page.getByTestId('timeline-facts').locator('li').allTextContents();
      // The first token response is the sign-in, the later ones refreshes; the expiry is named too.
      expect(facts.filter((f) => f.startsWith('Signed in at '))).toHaveLength(1);
      expect(facts.filter((f) => f.startsWith('Refreshed at ')).length).toBeGreaterThanOrEqual(1);
      expect(facts.some((f) => f.startsWith('Access token expires at '))).toBe(true);
      // The axis has round-time labels, the legend names the shapes on the chart.
      expect(await page.getByTestId('timeline-axis').locator('text').count()).toBeGreaterThanOrEqual(2);
      expect(await page.getByTestId('timeline-legend').locator('li').allTextContents()).toEqual(
        expect.arrayContaining([
          'Access token valid',
          'Now',
          'Signed in',
          'Refreshed',
          'Access token expires',
        ]),
      );
      expect(facts.some((f) => f.startsWith('Access token valid from '))).toBe(true);
      expect(facts.some((f) => f.startsWith('Now: '))).toBe(true);
      await screenshot(page, 'home-timeline', { dark: true });
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
    },
  );

  it(
    'an identity-provider outage shows as an offline period with its retries, closed when back online',
    { timeout: 90_000 },
    async () => {
      const { page } = h;
      await h.pool.suspendListening();
      try {
        await page.getByTestId('timeline-offline').waitFor({ state: 'attached', timeout: 30_000 });
        await page.waitForFunction(
          () =>
            (globalThis as unknown as { document: Doc }).document.querySelectorAll(
              '[data-testid="timeline-retry"]',
            ).length >= 2,
          undefined,
          {
            timeout: 30_000,
          },
        );
        expect(await page.getByTestId('timeline-offline').locator('title').textContent()).toMatch(
          /^Offline since /,
        );
      } finally {
        await h.pool.resumeListening();
      }
      await page.waitForFunction(
        () =>
          /^Offline from .* to /.test(
            (globalThis as unknown as { document: Doc }).document.querySelector(
              '[data-testid="timeline-offline"] title',
            )?.textContent ?? '',
          ),
        undefined,
        { timeout: 30_000 },
      );
      const facts = await page.getByTestId('timeline-facts').locator('li').allTextContents();
      expect(facts.some((f) => /^Offline from .* to .*\d+ retr(y|ies)$/.test(f))).toBe(true);
    },
  );
});
