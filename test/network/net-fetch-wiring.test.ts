import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_PARTITION } from '../../src/main/net/transport';
import { startUserPool } from '../../tools/user-pool/index';
import type { RunningUserPool } from '../../tools/user-pool/types';
import { runBuiltMain } from '../support/electron-stand-in/run-built-main-child';
import { freePort } from '../../tools/support/ports';
import { buildPrivately } from '../support/private-build';

/**
 * The app's net.fetch transport, wired in the BUILT main bundle, against the recording stand-in
 * for `electron` (test/support/electron-stand-in; not a launch test). Proves: main's requests go
 * through `session.fromPartition(NETWORK_PARTITION).fetch` with redirect 'manual' and an abort
 * signal, and the profile's pinned proxy is applied with `setProxy` before the first request.
 * The options themselves are checked against electron.d.ts by `npm run typecheck`.
 *
 * Proxies: none really (the stand-in records setProxy; its fetch goes direct to the local pool).
 * Certificates: none (the local pool on http).
 */
const root = path.resolve(import.meta.dirname, '../..');

interface StandInRecord {
  seq: number;
  kind: string;
  [key: string]: unknown;
}

let work: string;
let outDir: string;
let pool: RunningUserPool;

beforeAll(async () => {
  pool = await startUserPool({ port: 0 });
  ({ work, outDir } = await buildPrivately(root, 'net-wiring-'));
}, 120_000);

afterAll(async () => {
  await pool?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function runBundle(
  profile: unknown,
): Promise<{ records: StandInRecord[]; probes: Record<string, unknown>; error?: string }> {
  const profileFile = path.join(work, `profile-${Date.now()}.json`);
  writeFileSync(profileFile, JSON.stringify(profile));
  const { report } = await runBuiltMain<{
    records: StandInRecord[];
    probes: Record<string, unknown>;
    error?: string;
  }>({
    outDir,
    work,
    env: { COGNITO_DESKTOP_PROFILE: profileFile, STAND_IN_SIGN_IN: '1' },
  });
  return report;
}

describe('net.fetch transport wiring in the built bundle (recording stand-in)', () => {
  it('sends discovery through the main network session, after applying the pinned proxy', async () => {
    const report = await runBundle({
      id: 'netwiring',
      label: 'Network wiring',
      region: 'us-east-1',
      userPoolId: pool.userPoolId,
      clientId: 'localdemo0desktop0client01',
      domain: pool.domain,
      issuer: pool.issuer,
      scopes: ['openid'],
      // A free port of its own: another run on this machine may hold the demo's 53682.
      redirect: { loopback: [`http://127.0.0.1:${await freePort()}/callback`], prefer: 'loopback' },
      apis: [],
      network: { proxy: { url: 'http://127.0.0.1:9', bypass: ['.corp.example'] } },
    });
    expect(report.error).toBeUndefined();
    expect(report.probes['signInOpenedBrowser']).toBe(true);
    const records = report.records;
    expect(records.find((r) => r.kind === 'session.fromPartition')).toMatchObject({
      partition: NETWORK_PARTITION,
    });
    const setProxy = records.find((r) => r.kind === 'session.setProxy');
    expect(setProxy).toMatchObject({
      partition: NETWORK_PARTITION,
      config: { mode: 'fixed_servers', proxyRules: 'http://127.0.0.1:9', proxyBypassRules: '.corp.example' },
    });
    const fetches = records.filter((r) => r.kind === 'session.fetch');
    expect(fetches[0]).toMatchObject({
      partition: NETWORK_PARTITION,
      url: `${pool.issuer}/.well-known/openid-configuration`,
      redirect: 'manual',
      hasSignal: true,
    });
    expect(setProxy!.seq).toBeLessThan(fetches[0]!.seq);
    // Every request names the app (net/user-agent.ts), also where openid-client sets its own.
    const userAgent = /^CognitoDesktop\/\d+\.\d+\.\d+\S* \((Linux|macOS|Windows) 6\.1\.0-stand-in; \w+\)$/;
    expect(records.find((r) => r.kind === 'session.setUserAgent')).toMatchObject({
      partition: NETWORK_PARTITION,
      userAgent: expect.stringMatching(userAgent),
    });
    for (const f of fetches) expect(String(f['userAgent'])).toMatch(userAgent);
    const opened = records
      .filter((r) => r.kind === 'shell.openExternal')
      .map((r) => String(r['url']))
      .filter((url) => url.includes('/oauth2/authorize'));
    expect(opened).toHaveLength(1);
    expect(opened[0]!.startsWith(`${pool.domain}/oauth2/authorize?`)).toBe(true);
  }, 90_000);
});
