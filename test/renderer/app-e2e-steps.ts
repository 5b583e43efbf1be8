/**
 * Steps and checks the renderer end-to-end tests share: the app's navigation and account menu as
 * a user finds them, signing in and out through the stand-in system browser, and two checks that
 * look past the screen (the notes the demo API really holds, the countdown against the session).
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppHarness, DemoUser } from '../support/app-harness';

export const accountMenu = (page: Page, user: string) =>
  page.getByRole('button', { name: new RegExp(`^${user}.*account menu$`) });
export const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

/** The notes the demo API holds for the signed-in user, read directly (not through the screen). */
export async function serverNotes(h: AppHarness): Promise<Array<{ title: string; body: string }>> {
  const res = await fetch(`${h.demoApi().url}/notes`, {
    headers: { Authorization: `Bearer ${await h.session.getAccessToken()}` },
  });
  expect(res.status).toBe(200);
  const { notes } = (await res.json()) as { notes: Array<{ title: string; body: string }> };
  return notes.map(({ title, body }) => ({ title, body }));
}

/**
 * The countdown on screen against the session's own expiry, bounded by the time measured around
 * the read: the page renders once a second, so it may lag by a second, never more. The expiry is
 * taken before and after the read, so a refresh landing in between (5 s tokens) is not a failure.
 */
export async function expectCountdownTrue(h: AppHarness): Promise<void> {
  const expiry = () => {
    const state = h.session.getState();
    return state.status === 'signed-in' ? state.accessTokenExpiresAt : 0;
  };
  const expiries = [expiry()];
  const before = Date.now();
  const text = (await h.page.getByTestId('token-countdown').textContent()) ?? '';
  const after = Date.now();
  expiries.push(expiry());
  expect(text).toMatch(/^(\d+:)?\d{1,2}:\d\d$/);
  const shown = text
    .split(':')
    .map(Number)
    .reduce((total, part) => total * 60 + part, 0);
  const bounds = expiries.map((at) => [
    Math.floor((at - after) / 1000) - 1,
    Math.ceil((at - before) / 1000) + 1,
  ]);
  expect(
    bounds.some(([low, high]) => shown >= low! && shown <= high!),
    `countdown ${text} (${shown} s) within ${JSON.stringify(bounds)}`,
  ).toBe(true);
}

export async function signIn(h: AppHarness, user: DemoUser): Promise<void> {
  h.browserBehaviour = { kind: 'sign-in', user };
  await h.page.getByRole('button', { name: 'Sign in' }).click();
  await accountMenu(h.page, user).waitFor();
}

export async function signOut(
  h: AppHarness,
  user: DemoUser,
  choice: 'Sign out' | 'Sign out and forget this browser sign-in',
) {
  await accountMenu(h.page, user).click();
  await h.page.getByRole('button', { name: choice, exact: true }).click();
  await h.page.getByRole('button', { name: 'Sign in' }).waitFor();
}
