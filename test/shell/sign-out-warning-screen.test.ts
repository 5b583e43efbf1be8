/**
 * Defect 3 of issue 14, the user's side: when sign-out could not remove the saved sign-in from
 * the keychain, the token-free session state carries `warning` (KEYCHAIN_ENTRY_LEFT) and the
 * BUILT renderer's sign-in screen says so. Real Chromium, the real preload factory and IPC
 * handlers, a scripted session whose sign-out answers the way the engine does
 * (test/auth/sign-out-keychain-leftover.test.ts proves the engine side against the real pool).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionController } from '../../src/main/auth/session-controller';
import { KEYCHAIN_ENTRY_LEFT } from '../../src/main/auth/session-persistence';
import type { ProfilesController } from '../../src/main/config/profiles-controller';
import type { ApiClient } from '../../src/main/http/api-client';
import { createHandlers } from '../../src/main/ipc/handlers';
import { AppError } from '../../src/shared/errors';
import type { Profiles } from '../../src/shared/ipc-contract';
import { SessionStateSchema, type SessionState } from '../../src/shared/session-state';
import { builtRendererCopy } from '../renderer/built-renderer';
import { startRendererServer, type RendererServer } from '../renderer/renderer-server';
import { launchBrowser } from '../../tools/support/browser';
import { installTestTransport } from '../support/test-transport';

const KEYCHAIN = { kind: 'keychain' } as const;
const PROFILES: Profiles = {
  activeProfileId: 'corp',
  profiles: [{ id: 'corp', label: 'Corp', demo: false, apis: [] }],
};

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

function handlersFor(state: { current: SessionState }) {
  const listeners = new Set<(s: SessionState) => void>();
  const session: SessionController = {
    signIn: async () => state.current,
    cancelSignIn: async () => undefined,
    reopenBrowser: async () => undefined,
    signOut: async () => {
      state.current = SessionStateSchema.parse({
        status: 'signed-out',
        reason: 'user',
        warning: { ...KEYCHAIN_ENTRY_LEFT },
        storage: KEYCHAIN,
      });
      for (const listener of listeners) listener(state.current);
      return state.current;
    },
    getState: () => state.current,
    onChanged: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const api: ApiClient = {
    request: async () => {
      throw new AppError('NETWORK_ERROR', 'not used');
    },
    cancel: () => false,
  };
  const profiles: ProfilesController = { list: () => PROFILES, switchTo: async () => PROFILES };
  return createHandlers({ session, api, profiles });
}

describe('sign-out warning on the sign-in screen', () => {
  it('shows "the saved sign-in could not be removed from the keychain" after such a sign-out', async () => {
    const state: { current: SessionState } = {
      current: {
        status: 'signed-in',
        user: { sub: 's1', username: 'alice', groups: [] },
        accessTokenExpiresAt: Date.now() + 3_600_000,
        lastRefreshAt: Date.now(),
        connectivity: 'online',
        storage: KEYCHAIN,
      },
    };
    const context = await browser.newContext();
    const page = await context.newPage();
    await installTestTransport(page, handlersFor(state), { appUrl: server.url });
    await page.goto(server.url);
    await page.getByRole('button', { name: /alice.*account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const warning = page.getByTestId('sign-out-warning');
    await warning.waitFor({ timeout: 10_000 });
    expect(await warning.textContent()).toContain('the saved sign-in could not be removed from the keychain');
    expect(await warning.getAttribute('role')).toBe('alert');
    await context.close();
  });

  it('a plain sign-out shows no warning', async () => {
    const state: { current: SessionState } = {
      current: { status: 'signed-out', reason: 'user', storage: KEYCHAIN },
    };
    const context = await browser.newContext();
    const page = await context.newPage();
    await installTestTransport(page, handlersFor(state), { appUrl: server.url });
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Cognito Desktop' }).waitFor();
    expect(await page.getByTestId('sign-out-warning').count()).toBe(0);
    await context.close();
  });
});
