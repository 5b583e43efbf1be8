import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, runProfileChecks } from '../../tools/doctor/run-doctor';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';
import { startTlsWorld, type TlsWorld } from './support/tls-world';

/**
 * The doctor over the https world: each check line says which proxy and trust source it used;
 * an untrusted certificate is a failing check with the plain-language fix; --ca-file makes it
 * pass; --proxy is shown per check (and loopback stays direct).
 *
 * Proxies: the recording proxy as --proxy (it must see nothing: every URL here is loopback).
 * Certificates: the TLS world's test CA, given with --ca-file or not at all.
 */
const root = path.resolve(import.meta.dirname, '../..');
let world: TlsWorld;
let proxy: RecordingProxy;
let dir: string;
let profileFile: string;

beforeAll(async () => {
  world = await startTlsWorld({ host: '127.0.0.1' });
  proxy = await startRecordingProxy();
  dir = mkdtempSync(path.join(os.tmpdir(), 'doctor-net-'));
  profileFile = path.join(dir, 'profile.json');
  const { issuer, domain, id, label, region, userPoolId, clientId, scopes, redirect, signOutUrl, apis } =
    world.profile;
  writeFileSync(
    profileFile,
    JSON.stringify({
      id,
      label,
      region,
      userPoolId,
      clientId,
      domain,
      issuer,
      scopes,
      redirect,
      signOutUrl,
      apis,
    }),
  );
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'tools/doctor.ts', ...args],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout });
    });
  });
}

describe('doctor network lines', () => {
  it('without the CA: discovery fails as CERT_UNTRUSTED with the plain fix, and says what it used', async () => {
    const results = await runProfileChecks(world.profile);
    const discovery = results.find((r) => r.id === 'discovery');
    expect(discovery?.status).toBe('fail');
    expect(discovery?.detail).toContain('CERT_UNTRUSTED');
    expect(discovery?.fix).toContain('ask IT whether its root certificate is installed');
    expect(discovery?.network).toEqual({
      proxy: 'direct (no proxy configured; Node does not read the OS proxy settings)',
      trust: "Node's bundled root certificates",
    });
  }, 60_000);

  it('with --ca-file and --proxy: every check passes, each line names the proxy decision and trust source', async () => {
    const { code, stdout } = await runCli([
      '--profile',
      profileFile,
      '--ca-file',
      world.ca.caFile,
      '--proxy',
      proxy.url,
    ]);
    const profileSection = stdout.slice(0, stdout.indexOf('This machine'));
    expect(profileSection).not.toContain('[FAIL]');
    const vias = profileSection.split('\n').filter((l) => l.trim().startsWith('via:'));
    // Every check that makes a request names its route; the redirect-port check makes none.
    const lines = profileSection.split('\n').filter((l) => /^\s+\[(ok|warn|FAIL)\s*\]/.test(l));
    // A crashed CLI prints nothing (0 checks, 0 vias): so the count is the profile's, exactly:
    // discovery, JWKS, per loopback redirect the Hosted UI check and the port check, the sign-out
    // URL, each API.
    const p = world.profile;
    expect(lines).toHaveLength(2 + 2 * p.redirect.loopback.length + (p.signOutUrl ? 1 : 0) + p.apis.length);
    expect(lines.every((l) => l.includes('[ok]'))).toBe(true);
    const checks = lines.filter((l) => !l.includes('Redirect port'));
    expect(checks).toHaveLength(lines.length - p.redirect.loopback.length);
    expect(vias.length).toBe(checks.length);
    for (const via of vias) {
      expect(via).toContain(
        `via: proxy direct (loopback); trust Node's bundled root certificates + ${world.ca.caFile}`,
      );
    }
    expect(proxy.seen).toEqual([]);
    // Every check passed, the keychain's too (the run's private keyring): exit status 0 exactly.
    expect(stdout).toContain('[ok]   OS keychain available');
    expect(stdout.trimEnd().endsWith('All checks passed.')).toBe(true);
    expect(code).toBe(0);
  }, 90_000);

  it('formatReport prints the via line under each check', async () => {
    const results = await runProfileChecks(world.profile, { caFile: world.ca.caFile });
    const text = formatReport({
      sections: [{ profile: { id: 'x', label: 'x', demo: false }, results }],
      keychain: { id: 'keychain', title: 'keychain', status: 'skip', detail: 'not checked' },
      ok: true,
    });
    expect(results.every((r) => r.status !== 'fail')).toBe(true);
    expect(text).toMatch(/\[ok\] {3}OpenID discovery document and issuer: .*\n\s+via: proxy direct/);
  }, 60_000);
});
