import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/app-services';
import { createCredentialStore } from '../../src/main/auth/credential-store';
import { createLogger } from '../../src/main/log/logger';
import { resolvePolicy } from '../../src/main/policy/effective-policy';
import { isAppError } from '../../src/shared/errors';

/**
 * Organisation policy `allowMemoryOnlySignIn: false` on a machine without a usable keychain:
 * the app services (as index.ts composes them) pass the policy to the session, whose sign-in
 * refuses with the coded MEMORY_SIGN_IN_NOT_ALLOWED before any browser opens; the session state
 * says so. Without that policy the same machine gets past the check (memory-only sign-in allowed),
 * here failing later at the unreachable identity provider instead. The keychain is a backend that
 * cannot load (what a machine without D-Bus or libsecret gives keytar).
 */
const context = { sender: { id: 1, mainFrameUrl: 'app://cognito-desktop/index.html', senderFrame: null } };
let dir: string;
const started: AppServices[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'memory-only-policy-'));
  writeFileSync(
    path.join(dir, 'profiles.json'),
    JSON.stringify({
      profiles: [
        {
          id: 'nokeychain',
          label: 'No keychain',
          region: 'us-east-1',
          userPoolId: 'us-east-1_LocalPool1',
          clientId: 'localdemo0desktop0client01',
          // Nothing listens here: the sign-in that is allowed fails at discovery.
          domain: 'http://127.0.0.1:9',
          issuer: 'http://127.0.0.1:9/us-east-1_LocalPool1',
          scopes: ['openid'],
          redirect: { loopback: ['http://127.0.0.1:53998/callback'], prefer: 'loopback' },
          apis: [],
        },
      ],
    }),
  );
});
afterAll(async () => {
  for (const s of started) await s.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function servicesUnder(document: Record<string, unknown> | undefined, opened: string[]): AppServices {
  const services = createAppServices({
    userDataDir: dir,
    argv: [],
    env: {},
    allowDevOverrides: false,
    openExternal: async (url) => void opened.push(url),
    logger: createLogger({ sink: () => undefined, level: 'error' }),
    ...(document
      ? {
          policy: {
            policy: resolvePolicy([
              { scope: 'machine', source: '/etc/cognito-desktop/policy.json', document },
            ]),
          },
        }
      : {}),
    sessionOptions: {
      credentialStore: createCredentialStore({
        profileId: 'nokeychain',
        clientId: 'localdemo0desktop0client01',
        backend: async () => {
          throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
        },
      }),
      timeouts: { requestMs: 2_000, signInMs: 5_000 },
    },
  });
  started.push(services);
  return services;
}

async function signInError(services: AppServices): Promise<unknown> {
  try {
    await services.handlers.invoke['auth:sign-in']({}, context);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('allowMemoryOnlySignIn: false', () => {
  it('refuses a memory-only sign-in with MEMORY_SIGN_IN_NOT_ALLOWED, before any browser opens', async () => {
    const opened: string[] = [];
    const services = servicesUnder({ allowMemoryOnlySignIn: false }, opened);
    await services.start();
    const error = await signInError(services);
    expect(isAppError(error) && error.code).toBe('MEMORY_SIGN_IN_NOT_ALLOWED');
    expect(opened).toEqual([]);
    expect(services.session.getState()).toMatchObject({
      status: 'signed-out',
      reason: 'error',
      error: { code: 'MEMORY_SIGN_IN_NOT_ALLOWED' },
      storage: { kind: 'memory' },
    });
  });

  it('without that policy the same machine may sign in for this run only (it gets past the check)', async () => {
    const opened: string[] = [];
    const services = servicesUnder(undefined, opened);
    await services.start();
    const error = await signInError(services);
    expect(isAppError(error)).toBe(true);
    expect(isAppError(error) && error.code).not.toBe('MEMORY_SIGN_IN_NOT_ALLOWED');
    expect(services.session.getState()).toMatchObject({ storage: { kind: 'memory' } });
  });
});
