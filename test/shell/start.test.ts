import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfile } from '../../src/main/config/profile';
import { DEMO_IDENTITY_POOL_ID } from '../../tools/user-pool';

/**
 * `npm start` (tools/start.ts) as a process. The Electron binary is replaced by pointing
 * ELECTRON_OVERRIDE_DIST_PATH at a folder: empty (no binary: the one-sentence failure) or holding a
 * fake `electron` script that checks what the real app would get (the demo profile, a live pool and
 * API) and exits, so the demo wiring and the clean-up are tested without Electron.
 */
const root = path.resolve(import.meta.dirname, '../..');
let dir: string;

function runStart(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'tools/start.ts', ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          COGNITO_DESKTOP_PROFILE: undefined,
          XDG_CONFIG_HOME: path.join(dir, 'config'),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'shell-start-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start', () => {
  it('fails with one clear sentence, starting nothing, where the Electron binary is absent', async () => {
    const empty = mkdtempSync(path.join(dir, 'no-electron-'));
    const { code, stdout, stderr } = await runStart([], { ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(code).toBe(1);
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^The Electron binary is not installed \(looked for .*\); run npm start on a machine where npm can download Electron, or set ELECTRON_OVERRIDE_DIST_PATH/,
    );
    expect(stdout).not.toContain('demo user pool');
  });

  it('with no profile: starts the demo pool and API, launches the app on a demo profile, and stops everything after', async () => {
    const fakeDist = mkdtempSync(path.join(dir, 'fake-electron-'));
    const reportFile = path.join(dir, 'fake-electron-report.json');
    writeFileSync(
      path.join(fakeDist, 'electron'),
      `#!/usr/bin/env node
const { readFileSync, writeFileSync } = require('node:fs');
(async () => {
  const profileFile = process.env.COGNITO_DESKTOP_PROFILE;
  const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
  const discovery = await fetch(profile.issuer + '/.well-known/openid-configuration');
  const health = await fetch(profile.apis[0].baseUrl + '/healthz');
  const unsigned = await fetch(profile.apis[1].baseUrl + '/me');
  writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify({
    argv: process.argv.slice(2), profileFile, profile,
    discovery: discovery.status, health: health.status,
    iam: { status: unsigned.status, body: await unsigned.json() },
    runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null,
  }));
})().then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(3); });
`,
    );
    chmodSync(path.join(fakeDist, 'electron'), 0o755);
    const { code, stdout, stderr } = await runStart(
      [
        '--pool-port',
        '0',
        '--api-port',
        '0',
        '--iam-api-port',
        '0',
        '--demo-db',
        path.join(dir, 'notes.sqlite'),
        '--skip-build',
      ],
      { ELECTRON_OVERRIDE_DIST_PATH: fakeDist, FAKE_ELECTRON_REPORT: reportFile, ELECTRON_RUN_AS_NODE: '1' },
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('No profile configured');
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      argv: string[];
      profileFile: string;
      profile: unknown;
      discovery: number;
      health: number;
      iam: { status: number; body: unknown };
      runAsNode: string | null;
    };
    expect(report.argv).toEqual([root]);
    expect(report.runAsNode).toBeNull();
    expect(report.discovery).toBe(200);
    expect(report.health).toBe(200);
    const { profile } = parseProfile(report.profile);
    expect(profile.demo).toBe(true);
    expect(profile.clientId).toBe('localdemo0desktop0client01');
    expect(profile.apis.map((a) => a.name)).toEqual(['demo', 'iam']);
    // The demo world's AWS side: the identity pool, the user-pool API, the IAM-mode demo API.
    expect(profile.identityPool?.id).toBe(DEMO_IDENTITY_POOL_ID);
    expect(profile.userPoolEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(profile.apis[1]!.auth).toEqual({ type: 'sigv4', service: 'execute-api' });
    expect(report.iam).toEqual({ status: 403, body: { message: 'Missing Authentication Token' } });
    // The app has quit: the temporary profile is gone and both tools are stopped.
    expect(existsSync(report.profileFile)).toBe(false);
    await expect(fetch(`${profile.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
    await expect(fetch(`${profile.apis[0]!.baseUrl}/healthz`)).rejects.toThrow();
    await expect(fetch(`${profile.apis[1]!.baseUrl}/me`)).rejects.toThrow();
  });

  it('with a profile: launches straight away without starting the tools', async () => {
    const fakeDist = mkdtempSync(path.join(dir, 'fake-electron-'));
    const reportFile = path.join(dir, 'profile-run.json');
    writeFileSync(
      path.join(fakeDist, 'electron'),
      `#!/usr/bin/env node
require('node:fs').writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify({ profile: process.env.COGNITO_DESKTOP_PROFILE }));
`,
    );
    chmodSync(path.join(fakeDist, 'electron'), 0o755);
    const { code, stdout, stderr } = await runStart(['--profile', 'my-org', '--skip-build'], {
      ELECTRON_OVERRIDE_DIST_PATH: fakeDist,
      FAKE_ELECTRON_REPORT: reportFile,
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Launching the app with profile my-org');
    expect(stdout).not.toContain('demo user pool');
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toEqual({ profile: 'my-org' });
  });
});
