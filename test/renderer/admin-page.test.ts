/**
 * The admin page for people who administer, in Chromium over the UI world (ui-world.ts): human
 * column names, relative times with the exact time on hover, sorting by each column, the filter,
 * the detail view of one user by keyboard, and the loading/empty/error states.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../src/shared/ipc-contract';
import { screenshot, seriousA11yViolations } from './page-checks';
import { dataDir, json, nav, openApp, startUiWorld, stopUiWorld, USERS, type Doc } from './ui-world';

beforeAll(startUiWorld);
afterAll(stopUiWorld);

describe('the admin page', () => {
  const rowNames = async (page: Page) =>
    (await page.getByRole('table').locator('tbody tr td:first-child').allTextContents()).map((s) => s.trim());

  it('human column names, relative times with the exact time on hover, sort by each column, filter, detail view, keyboard', async () => {
    const app = await openApp({ settingsFile: path.join(dataDir, 'admin', 'settings.json') });
    try {
      const { page } = app;
      await nav(page, 'Admin').click();
      const table = page.getByRole('table', { name: 'Users of the user pool' });
      await table.waitFor();
      expect(
        (await table.locator('thead th').allTextContents()).map((s) => s.replace(/[▲▼]/, '').trim()),
      ).toEqual(['User', 'Groups', 'First seen', 'Last seen']);
      // Sorted by user name first.
      expect(await rowNames(page)).toEqual(['bob', 'carol', 'dave', 'erin']);
      expect(await table.getByRole('columnheader', { name: 'User' }).getAttribute('aria-sort')).toBe(
        'ascending',
      );
      const carolLastSeen = table.locator('tbody tr').nth(1).locator('time').last();
      expect(await carolLastSeen.textContent()).toMatch(/^2 minutes ago/);
      expect(await carolLastSeen.getAttribute('title')).toMatch(/\d{4}/);
      expect(await carolLastSeen.getAttribute('datetime')).toBe(USERS[0]!.lastSeen);

      await table.getByRole('button', { name: 'Last seen' }).click();
      expect(await rowNames(page)).toEqual(['erin', 'dave', 'bob', 'carol']);
      expect(await table.getByRole('columnheader', { name: /Last seen/ }).getAttribute('aria-sort')).toBe(
        'ascending',
      );
      await table.getByRole('button', { name: 'Last seen' }).click();
      expect(await rowNames(page)).toEqual(['carol', 'bob', 'dave', 'erin']);
      expect(await table.getByRole('columnheader', { name: /Last seen/ }).getAttribute('aria-sort')).toBe(
        'descending',
      );
      expect(await table.getByRole('columnheader', { name: 'User' }).getAttribute('aria-sort')).toBe('none');
      await table.getByRole('button', { name: 'First seen' }).click();
      expect(await rowNames(page)).toEqual(['carol', 'erin', 'dave', 'bob']);
      await table.getByRole('button', { name: 'Groups' }).click();
      expect(await rowNames(page)).toEqual(['carol', 'bob', 'dave', 'erin']);

      // Filter by group; the count says how many are shown.
      await page.getByLabel('Filter by name, group or user ID').fill('ops');
      expect(await rowNames(page)).toEqual(['bob', 'dave']);
      expect(await page.getByTestId('admin-count').textContent()).toBe('Showing 2 of 4 users');
      await page.getByLabel('Filter by name, group or user ID').fill('nobody');
      await page.getByText('No user matches the filter.').waitFor();
      await page.getByLabel('Filter by name, group or user ID').fill('');
      await screenshot(page, 'admin-sorted');

      // Detail view by keyboard: Tab to the user, Enter opens it, Escape closes and returns focus.
      const dave = table.getByRole('button', { name: 'dave', exact: true });
      await dave.focus();
      await page.keyboard.press('Enter');
      const detail = page.getByRole('region', { name: 'User details: dave' });
      await detail.waitFor();
      expect(await dave.getAttribute('aria-expanded')).toBe('true');
      expect(await detail.getByRole('list', { name: 'Groups' }).textContent()).toBe('opsdev');
      expect(await detail.textContent()).toMatch(/sub-dave/);
      expect(await detail.textContent()).toMatch(/Not reported by the API/);
      expect(
        await page.evaluate(
          () => (globalThis as unknown as { document: Doc }).document.activeElement?.tagName,
        ),
      ).toBe('H3');
      await screenshot(page, 'admin-detail');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
      expect(
        await dave.evaluate(
          (el) => el === (globalThis as unknown as { document: Doc }).document.activeElement,
        ),
      ).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('loading, empty and error states', async () => {
    // The first answer is held until the loading state has been seen.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let answer: () => ApiResponse | Promise<ApiResponse> = () => held.then(() => json({ users: [] }));
    const app = await openApp({
      settingsFile: path.join(dataDir, 'admin-states', 'settings.json'),
      adminUsers: () => answer(),
    });
    try {
      const { page } = app;
      await nav(page, 'Admin').click();
      const loading = page.getByRole('status').filter({ hasText: 'Loading users…' });
      await loading.waitFor();
      expect(await page.getByRole('table').count()).toBe(0);
      expect(await page.getByText('The user pool has no users.').count()).toBe(0);
      release();
      await page.getByText('The user pool has no users.').waitFor();
      expect(await loading.count()).toBe(0);
      answer = () => json({ error: 'boom' }, 500);
      await nav(page, 'Home').click();
      await nav(page, 'Admin').click();
      await page.getByRole('alert').filter({ hasText: 'The user list could not be loaded.' }).waitFor();
      answer = () => json({ users: USERS });
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('table').waitFor();
    } finally {
      await app.close();
    }
  });
});
