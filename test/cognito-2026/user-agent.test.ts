/**
 * Issue 28 item 2, app side: the app's token requests carry `CognitoDesktop/<version> (<OS>
 * <version>; <arch>)` (net/user-agent.ts, set on the transport), the real local pool sees it on the
 * code exchange and on refreshes, and Cognito's ListUserSessions shows it as the session's DeviceType.
 */
import {
  CognitoIdentityProviderClient,
  ListUserSessionsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createNodeTransport } from '../../src/main/net/node-transport';
import { withUserAgent } from '../../src/main/net/transport';
import { desktopUserAgent } from '../../src/main/net/user-agent';
import { startHarness, type Harness } from '../auth/support/harness';

describe('desktopUserAgent', () => {
  it('names the app, OS, OS version and architecture', () => {
    const facts = { appVersion: '1.4.0', osVersion: '14.5', arch: 'arm64' };
    expect(desktopUserAgent({ ...facts, platform: 'darwin' })).toBe(
      'CognitoDesktop/1.4.0 (macOS 14.5; arm64)',
    );
    expect(desktopUserAgent({ ...facts, platform: 'win32', osVersion: '10.0.22631', arch: 'x64' })).toBe(
      'CognitoDesktop/1.4.0 (Windows 10.0.22631; x64)',
    );
    expect(desktopUserAgent({ ...facts, platform: 'linux', osVersion: '6.1.0-28-amd64', arch: 'x64' })).toBe(
      'CognitoDesktop/1.4.0 (Linux 6.1.0-28-amd64; x64)',
    );
  });

  it('keeps header-safe characters only, whatever the OS reports', () => {
    expect(
      desktopUserAgent({
        appVersion: '1.0.0',
        platform: 'freebsd',
        osVersion: '14.1 (RELEASE)\r\n',
        arch: '',
      }),
    ).toBe('CognitoDesktop/1.0.0 (freebsd 14.1--RELEASE-; unknown)');
  });

  it("replaces a library's own User-Agent (openid-client sets one), whatever its case", () => {
    expect(withUserAgent(undefined, 'A/1')).toEqual({ 'user-agent': 'A/1' });
    expect(withUserAgent({ accept: 'x' }, 'A/1')).toEqual({ accept: 'x', 'user-agent': 'A/1' });
    expect(withUserAgent({ 'User-Agent': 'openid-client/v6', accept: 'x' }, 'A/1')).toEqual({
      accept: 'x',
      'user-agent': 'A/1',
    });
    expect(withUserAgent({ accept: 'x' }, undefined)).toEqual({ accept: 'x' });
  });
});

describe('the User-Agent reaches the pool and ListUserSessions shows it', () => {
  let h: Harness;
  let sdk: CognitoIdentityProviderClient;
  const userAgent = desktopUserAgent({
    appVersion: '9.8.7',
    platform: 'linux',
    osVersion: '6.1.0-test',
    arch: 'x64',
  });

  beforeAll(async () => {
    h = await startHarness({ poolDefinition: { sessionManagement: {} } });
    sdk = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: h.pool.idpApiEndpoint,
      maxAttempts: 1,
    });
  }, 60_000);

  afterAll(async () => {
    sdk?.destroy();
    await h?.close();
  });

  const currentSession = async (accessToken: string) => {
    const out = await sdk.send(new ListUserSessionsCommand({ AccessToken: accessToken }));
    return out.Sessions?.find((s) => s.IsCurrentSession);
  };

  it('on the sign-in and on a refresh', async () => {
    const transport = createNodeTransport({ userAgent });
    const session = h.newSession({ transport });
    try {
      const state = await session.signIn();
      expect(state.status).toBe('signed-in');
      const first = await session.getAccessToken();
      h.secrets.add(first);
      expect((await currentSession(first))?.DeviceType).toBe(
        'CognitoDesktop 9.8.7 on Linux 6.1.0-test (x64)',
      );

      // A refresh overwrites DeviceType on Cognito: it must carry the same User-Agent.
      const refreshes = h.tokenRequests('refresh_token');
      const next = await session.forceRefresh(first);
      h.secrets.add(next);
      expect(h.tokenRequests('refresh_token')).toBe(refreshes + 1);
      expect((await currentSession(next))?.DeviceType).toBe('CognitoDesktop 9.8.7 on Linux 6.1.0-test (x64)');
    } finally {
      await session.signOut({ endHostedUiSession: false }).catch(() => undefined);
      await session.dispose();
      await transport.close();
    }
  }, 60_000);

  it('a transport without it shows as the OIDC library, not as the app', async () => {
    const transport = createNodeTransport();
    const session = h.newSession({ transport });
    try {
      await session.signIn();
      const access = await session.getAccessToken();
      h.secrets.add(access);
      expect((await currentSession(access))?.DeviceType).not.toContain('CognitoDesktop');
    } finally {
      await session.signOut({ endHostedUiSession: false }).catch(() => undefined);
      await session.dispose();
      await transport.close();
    }
  }, 60_000);
});
