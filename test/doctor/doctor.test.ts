import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfile, type ProfileInput, type ResolvedProfile } from '../../src/main/config/profile';
import { checkKeychain } from '../../src/main/doctor/keychain-check';
import { runProfileChecks } from '../../src/main/doctor/profile-checks';
import { runDoctor } from '../../tools/doctor/run-doctor';
import { demoPoolDefinition, startUserPool } from '../../tools/user-pool';
import type { RunningUserPool } from '../../tools/user-pool/types';
import { assertPrivateKeyring } from '../support/keyring-guard';

const root = path.resolve(import.meta.dirname, '../..');
const CLIENT_ID = 'localdemo0desktop0client01';

let pool: RunningUserPool;
let api: http.Server;
let apiUrl: string;
let dir: string;
let registeredPort: number;
let unregisteredPort: number;
let closedPort: number;

/** A port number nothing listens on (probed, then released): used only inside URLs. */
async function probePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function profileInput(overrides: Partial<ProfileInput> = {}): ProfileInput {
  return {
    id: 'doctor-test',
    label: 'Doctor test',
    region: 'us-east-1',
    userPoolId: 'us-east-1_LocalPool1',
    clientId: CLIENT_ID,
    domain: pool.domain,
    issuer: pool.issuer,
    scopes: ['openid', 'email', 'profile'],
    redirect: {
      loopback: [`http://127.0.0.1:${registeredPort}/callback`],
      customScheme: 'com.example.cognitodesktop:/callback',
      prefer: 'loopback',
    },
    signOutUrl: `http://127.0.0.1:${registeredPort}/signed-out`,
    apis: [{ name: 'demo', baseUrl: apiUrl }],
    ...overrides,
  };
}
const profile = (overrides: Partial<ProfileInput> = {}): ResolvedProfile =>
  parseProfile(profileInput(overrides)).profile;

function writeProfile(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'tools/doctor.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  assertPrivateKeyring();
  dir = mkdtempSync(path.join(os.tmpdir(), 'doctor-test-'));
  [registeredPort, unregisteredPort, closedPort] = [await probePort(), await probePort(), await probePort()];
  const demoClient = demoPoolDefinition.clients[0]!;
  pool = await startUserPool({
    port: 0,
    definition: {
      ...demoPoolDefinition,
      clients: [
        {
          ...demoClient,
          callbackUrls: [
            `http://127.0.0.1:${registeredPort}/callback`,
            'com.example.cognitodesktop:/callback',
          ],
          logoutUrls: [`http://127.0.0.1:${registeredPort}/signed-out`],
        },
      ],
    },
  });
  // Stands in for a resource server: any HTTP answer (here 401) means the origin answers.
  api = http.createServer((_req, res) => {
    res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await pool?.close();
  await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('doctor against the local user pool', () => {
  it('passes every check for a correct profile (and the private keychain)', async () => {
    const report = await runDoctor([profile()]);
    const failing = report.sections[0]?.results.filter((r) => r.status !== 'pass');
    expect(failing).toEqual([]);
    expect(report.sections[0]?.results.map((r) => r.id)).toEqual([
      'discovery',
      'jwks',
      `redirect:http://127.0.0.1:${registeredPort}/callback`,
      'redirect:com.example.cognitodesktop:/callback',
      `redirect-port:127.0.0.1:${registeredPort}`,
      `sign-out:http://127.0.0.1:${registeredPort}/signed-out`,
      'api:demo',
    ]);
    expect(report.keychain.status).toBe('pass');
    expect(report.ok).toBe(true);
  });

  it('fails exactly the redirect URI with an unregistered port, naming redirect_mismatch and the fix', async () => {
    const bad = `http://127.0.0.1:${unregisteredPort}/callback`;
    const results = await runProfileChecks(
      profile({
        redirect: { loopback: [`http://127.0.0.1:${registeredPort}/callback`, bad], prefer: 'loopback' },
      }),
    );
    const failed = results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.id)).toEqual([`redirect:${bad}`]);
    expect(failed[0]?.detail).toContain('redirect_mismatch');
    expect(failed[0]?.fix).toContain(bad);
    expect(failed[0]?.fix).toContain(CLIENT_ID);
  });

  it('warns when another program holds a redirect port, naming the port and the fix', async () => {
    const holder = http.createServer();
    await new Promise<void>((resolve) => holder.listen(registeredPort, '127.0.0.1', () => resolve()));
    try {
      const results = await runProfileChecks(profile());
      const port = results.find((r) => r.id === `redirect-port:127.0.0.1:${registeredPort}`);
      expect(port).toMatchObject({ status: 'warn', detail: expect.stringContaining('EADDRINUSE') });
      expect(port?.fix).toContain(String(registeredPort));
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('fails an unregistered sign-out URL', async () => {
    const bad = `http://127.0.0.1:${unregisteredPort}/signed-out`;
    const results = await runProfileChecks(profile({ signOutUrl: bad }));
    const failed = results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.id)).toEqual([`sign-out:${bad}`]);
    expect(failed[0]?.fix).toContain('sign-out URLs');
  });

  it('fails every redirect for an unknown client id', async () => {
    const results = await runProfileChecks(profile({ clientId: 'unknownclient0000000000001' }));
    const redirects = results.filter((r) => r.id.startsWith('redirect:'));
    expect(redirects).toHaveLength(2);
    for (const r of redirects) expect(r.status).toBe('fail');
  });

  it('fails discovery for a wrong pool id, and JWKS with it', async () => {
    const results = await runProfileChecks(
      profile({ userPoolId: 'us-east-1_Nope', issuer: `${pool.domain}/us-east-1_Nope` }),
    );
    expect(results.find((r) => r.id === 'discovery')).toMatchObject({ status: 'fail' });
    expect(results.find((r) => r.id === 'discovery')?.fix).toMatch(/userPoolId|issuer/);
    expect(results.find((r) => r.id === 'jwks')?.status).toBe('fail');
  });

  it('fails an API origin that does not answer', async () => {
    const results = await runProfileChecks(
      profile({ apis: [{ name: 'gone', baseUrl: `http://127.0.0.1:${closedPort}` }] }),
    );
    const check = results.find((r) => r.id === 'api:gone');
    expect(check).toMatchObject({ status: 'fail' });
    expect(check?.detail).toContain('ECONNREFUSED');
  });

  it('fails the keychain check with a fix when the keychain throws', async () => {
    const result = await checkKeychain(
      async () => ({
        setPassword: async () => {
          throw new Error('Cannot create an item in a locked collection');
        },
        getPassword: async () => null,
        deletePassword: async () => false,
      }),
      'linux',
    );
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('locked collection');
    expect(result.fix).toContain('Secret Service');
  });
});

describe('npm run doctor (CLI)', () => {
  it('exits 0 with a checklist for a good profile file', async () => {
    const file = writeProfile('good.json', profileInput());
    const { code, stdout } = await runCli(['--profile', file]);
    expect(stdout).toContain('All checks passed.');
    expect(stdout).toContain('[ok]');
    expect(code).toBe(0);
  });

  it('exits 1 for a profile with an unregistered port, printing the failure and its fix', async () => {
    const bad = `http://127.0.0.1:${unregisteredPort}/callback`;
    const file = writeProfile(
      'bad-port.json',
      profileInput({ redirect: { loopback: [bad], prefer: 'loopback' } }),
    );
    const { code, stdout } = await runCli(['--profile', file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(`\\[FAIL\\] Hosted UI accepts client and redirect URI ${bad.replace(/[.]/g, '\\.')}`),
    );
    expect(stdout).toContain('redirect_mismatch');
    expect(stdout).toContain(`fix: Add ${bad} exactly`);
    expect(stdout).toContain('1 check(s) failed.');
  });

  it('exits 1 with a keychain fix when no Secret Service is reachable', async () => {
    const file = writeProfile('good2.json', profileInput());
    const { code, stdout } = await runCli(['--profile', file], {
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(dir, 'no-such-bus')}`,
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/\[FAIL\] OS keychain available/);
    expect(stdout).toContain('fix: Install and unlock a Secret Service keyring');
  });

  it('--json prints a machine-readable report without the profile contents (no client secret)', async () => {
    const file = writeProfile('secret.json', { ...profileInput(), clientSecret: 'SENTINEL-CLIENT-SECRET' });
    const { code, stdout, stderr } = await runCli(['--profile', file, '--json']);
    expect(stdout + stderr).not.toContain('SENTINEL-CLIENT-SECRET');
    const report = JSON.parse(stdout) as { ok: boolean; sections: Array<{ profile: { id: string } }> };
    expect(report.sections[0]?.profile).toEqual({ id: 'doctor-test', label: 'Doctor test', demo: false });
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it('exits 2 naming the file and the field for an invalid profile file', async () => {
    const file = writeProfile('invalid.json', { ...profileInput(), domain: 'http://idp.example.com' });
    const { code, stderr } = await runCli(['--profile', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toContain('field domain');
  });
});
