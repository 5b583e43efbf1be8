import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectDiagnostics,
  DiagnosticsBundleSchema,
  readLogTail,
  writeDiagnostics,
} from '../../src/main/diagnostics/diagnostics-bundle';
import { createFileSink } from '../../src/main/log/file-sink';
import { createLogger } from '../../src/main/log/logger';
import { runProfileChecks } from '../../src/main/doctor/profile-checks';
import { startHarness, type Harness } from '../auth/support/harness';

/**
 * "Export diagnostics..." during a real session: signed in through the Hosted UI in Chromium
 * against the local user pool, refresh token in the private keyring, the doctor's checks run
 * against the live pool, and a log file that (as a careless line or an old version might) holds
 * the session's real tokens. The exported file must carry none of them, nothing JWT-shaped
 * (`eyJ`), and not the profile's client secret; its layout is the strict schema.
 */

const CLIENT_SECRET = 'SENTINEL-CLIENT-SECRET-0451';
let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await startHarness({ clientSecret: CLIENT_SECRET });
  dir = mkdtempSync(path.join(os.tmpdir(), 'diagnostics-'));
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('diagnostics export', () => {
  it('holds versions, policy sources, profile, session state, checks and log lines, and no token or secret', async () => {
    const session = h.newSession();
    await session.start();
    await session.signIn();
    const accessToken = await session.getAccessToken();
    const refreshToken = await h.storedRefreshToken();
    expect(refreshToken).toBeDefined();
    expect(accessToken.startsWith('eyJ')).toBe(true);

    // The app's own log: a logger writing through the file sink, fed token-bearing lines...
    const logs = path.join(dir, 'logs');
    const sink = createFileSink({ dir: logs });
    const log = createLogger({ sink: (line) => sink.write(line), level: 'debug' });
    log.info('signed in', { refreshToken, accessToken });
    log.warn(`api call failed with Authorization: Bearer ${accessToken}`);
    sink.close();
    // ...and raw lines that never went through the logger's redaction.
    appendFileSync(
      sink.file,
      `raw: refresh_token=${refreshToken}&client_id=x\nraw json {"refresh_token":"${refreshToken}","id_token":"${accessToken}"}\nraw jwt ${accessToken}\n`,
    );

    const bundle = await collectDiagnostics({
      now: () => Date.UTC(2026, 11, 1, 9, 0, 0),
      versions: {
        app: '0.1.0',
        electron: '45.5.0',
        chromium: '142.0.0.0',
        node: process.versions.node,
        os: 'Linux 6.1 x64',
      },
      policy: { sources: [{ scope: 'machine', source: '/etc/cognito-desktop/policy.json' }] },
      profile: h.profile,
      session: () => session.getState(),
      runChecks: () => runProfileChecks(h.profile),
      logFile: sink.file,
    });
    const file = path.join(dir, 'cognito-desktop-diagnostics.json');
    writeDiagnostics(file, bundle);
    const text = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Layout.
    const parsed = DiagnosticsBundleSchema.parse(JSON.parse(text));
    expect(parsed.session).toMatchObject({ status: 'signed-in', user: { username: 'alice' } });
    expect(parsed.profile).toMatchObject({
      id: h.profile.id,
      clientId: h.profile.clientId,
      hasClientSecret: true,
    });
    expect(Array.isArray(parsed.checks) && parsed.checks.find((c) => c.id === 'discovery')?.status).toBe(
      'pass',
    );
    expect(parsed.log.lines.length).toBeGreaterThanOrEqual(5);
    expect(parsed.policy.sources).toHaveLength(1);

    // Nothing secret.
    expect(text).not.toContain(accessToken);
    expect(text).not.toContain(refreshToken as string);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain('eyJ');
    await session.dispose();
  });

  it('refuses a field that is not in the layout instead of writing it', () => {
    const bundle = {
      format: 'cognito-desktop-diagnostics/1',
      createdAt: new Date(0).toISOString(),
      versions: { app: '0', node: '20', os: 'x' },
      policy: { sources: [] },
      profile: null,
      session: null,
      checks: [],
      log: { lines: [] },
      accessToken: 'eyJhbGciOi.x.y',
    };
    expect(() => writeDiagnostics(path.join(dir, 'bad.json'), bundle as never)).toThrow(/accessToken/);
  });

  it('says what could not be collected instead of failing the export', async () => {
    const bundle = await collectDiagnostics({
      now: () => 0,
      versions: { app: '0', node: '20', os: 'x' },
      policy: { sources: [], error: { source: 'HKLM\\x', key: 'logLevel', message: 'bad' } },
      profile: undefined,
      // A state with a token in it (a bug elsewhere) does not get through the strict schema.
      session: () =>
        ({ status: 'signed-out', reason: 'none', storage: { kind: 'keychain' }, accessToken: 'x' }) as never,
      runChecks: async () => {
        throw new Error('discovery failed for https://idp.example.com?code=SECRETCODE');
      },
      logFile: path.join(dir, 'no-such.log'),
    });
    expect(bundle.session).toBeNull();
    expect(bundle.checks).toEqual({ error: expect.stringContaining('code=[REDACTED]') });
    expect(bundle.log.lines).toEqual(['(the log could not be read: ENOENT)']);
    expect(readLogTail(path.join(dir, 'no-such.log'), 10)).toHaveLength(1);
  });
});
