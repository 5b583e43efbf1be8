import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../../src/main/app-services';
import { silentLogger } from '../../src/main/log/logger';
import { createNodeTransport } from '../../src/main/net/node-transport';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';
import { API_HOST, POOL_HOST, startTlsWorld, type TlsWorld } from './support/tls-world';

/**
 * The composed app (createAppServices, everything but Electron) applies the active profile's
 * pinned `network.proxy` to its transport, and both the session (openid-client, jose) and the API
 * client then go through it. The pool and API are only reachable as pool.test / api.test, names
 * only the proxy resolves.
 *
 * Proxies: the recording proxy (forward mode, resolving the two test names to 127.0.0.1), pinned
 * in the profile. Certificates: the TLS world's test CA, given to the Node transport.
 */
let world: TlsWorld;
let proxy: RecordingProxy;
let dir: string;

beforeAll(async () => {
  world = await startTlsWorld({ host: POOL_HOST });
  proxy = await startRecordingProxy({ hosts: { [POOL_HOST]: '127.0.0.1', [API_HOST]: '127.0.0.1' } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'net-services-'));
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('app services with a pinned proxy in the profile', () => {
  it('signs in and calls the API through the profile proxy (CONNECT tunnels only)', async () => {
    const { network: _default, ...fields } = world.profile;
    void _default;
    const file = path.join(dir, 'dev-profile.json'); // not the user file (profiles.json)
    writeFileSync(file, JSON.stringify({ ...fields, network: { proxy: { url: proxy.url, bypass: [] } } }));
    const transport = createNodeTransport({ caFile: world.ca.caFile });
    const services = createAppServices({
      userDataDir: dir,
      argv: ['--profile', file],
      env: {},
      allowDevOverrides: true,
      openExternal: (url) => world.openExternal(url),
      logger: silentLogger,
      transport,
      sessionOptions: { timeouts: { requestMs: 5_000, revokeMs: 5_000, signInMs: 30_000 } },
    });
    try {
      await services.start();
      expect(await services.session.signIn()).toMatchObject({ status: 'signed-in' });
      const me = await services.api.request({ requestId: 's1', api: 'demo', method: 'GET', path: '/me' });
      expect(me.status).toBe(200);
      await services.session.signOut({ endHostedUiSession: false });
      const apiPort = new URL(world.profile.apis[0]!.baseUrl).port;
      const targets = new Set(proxy.seen.map((s) => `${s.method} ${s.target}`));
      expect(targets).toEqual(
        new Set([`CONNECT ${POOL_HOST}:${world.pool.port}`, `CONNECT ${API_HOST}:${apiPort}`]),
      );
      expect(transport.describe(world.profile.issuer).proxy).toBe(`${proxy.url} (pinned)`);
    } finally {
      await services.dispose();
      await world.browserDone();
      await transport.close();
    }
  }, 60_000);
});
