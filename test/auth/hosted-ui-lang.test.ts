/**
 * The Hosted UI's `lang` follows the app's language: the session asks for it at each sign-in
 * (CreateSessionOptions.hostedUiLanguage, wired in app-services.ts to the Settings/OS choice),
 * and the sign-in still completes against the local user pool.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Hosted UI language', () => {
  it('sends lang=<app language> on the authorize URL, and none when the app has none', async () => {
    h = await startHarness();
    let language: string | undefined = 'de';
    const session = h.newSession({ hostedUiLanguage: () => language });
    const state = await session.signIn();
    expect(state.status).toBe('signed-in');
    const first = new URL(h.opened[0]!);
    expect(first.pathname).toBe('/oauth2/authorize');
    expect(first.searchParams.get('lang')).toBe('de');

    await session.signOut({ endHostedUiSession: true });
    language = undefined;
    await session.signIn();
    const last = new URL(h.opened.filter((u) => u.includes('/oauth2/authorize')).at(-1)!);
    expect(last.searchParams.has('lang')).toBe(false);
    await session.signOut({ endHostedUiSession: false });
    await session.dispose();
  });
});
