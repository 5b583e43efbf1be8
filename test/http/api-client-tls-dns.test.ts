import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/main/http/api-client';
import { fixedTokens, rejection, requestBuilder } from './support/api-client-fixtures';

/**
 * TLS and DNS failures of the API client, mapped to plain words: certificates made here by
 * openssl (a self-signed one, and a CA with a leaf for another host) served on 127.0.0.1; name
 * lookups failing through axios's `lookup` hook, so no name is ever sent to a resolver.
 */
const req = requestBuilder('t');
const token = fixedTokens;

describe('api client TLS and DNS failures', () => {
  let dir: string;
  let servers: https.Server[] = [];
  let ca: string;

  const run = promisify(execFile);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir, timeout: 30_000 });

  async function startTls(cert: string, key: string): Promise<string> {
    const server = https.createServer(
      { cert: readFileSync(path.join(dir, cert)), key: readFileSync(path.join(dir, key)) },
      (_q, r) => r.writeHead(200).end('tls ok'),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'api-tls-'));
    // A self-signed certificate for 127.0.0.1, and a CA with a leaf for another host name.
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'self.key',
      '-out',
      'self.crt',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    );
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    );
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'other.key',
      '-out',
      'other.csr',
      '-subj',
      '/CN=other.example',
    );
    await run('sh', ['-c', 'printf "subjectAltName=DNS:other.example\\n" > ext.cnf'], { cwd: dir });
    await openssl(
      'x509',
      '-req',
      '-in',
      'other.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'other.crt',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    );
    ca = readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  });
  afterAll(async () => {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
    servers = [];
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a self-signed certificate: the typed CERT_UNTRUSTED in plain words, no library text', async () => {
    const origin = await startTls('self.crt', 'self.key');
    const client = createApiClient({ apis: () => [{ name: 'demo', baseUrl: origin }], tokens: token });
    const err = await rejection(client.request(req({ path: '/me' })));
    expect([err.code, err.message]).toEqual([
      'CERT_UNTRUSTED',
      `The API "demo" could not be reached safely. The certificate presented for ${new URL(origin).host} is not trusted. Your network may inspect encrypted traffic; ask IT whether its root certificate is installed.`,
    ]);
  });

  it('a certificate from a trusted CA for another host name: NETWORK_ERROR naming that', async () => {
    const origin = await startTls('other.crt', 'other.key');
    const client = createApiClient({
      apis: () => [{ name: 'demo', baseUrl: origin }],
      tokens: token,
      http: axios.create({ httpsAgent: new https.Agent({ ca }) }),
    });
    const err = await rejection(client.request(req({ path: '/me' })));
    expect([err.code, err.message]).toEqual([
      'NETWORK_ERROR',
      'The API "demo" presented a TLS certificate for another host.',
    ]);
    // Control: the same CA and server are fine when the name matches what the certificate says.
    const control = createApiClient({
      apis: () => [{ name: 'demo', baseUrl: origin }],
      tokens: token,
      http: axios.create({
        httpsAgent: new https.Agent({
          ca,
          servername: 'other.example',
          checkServerIdentity: () => undefined,
        }),
      }),
    });
    expect((await control.request(req({ path: '/me' }))).status).toBe(200);
  });

  it.each([
    ['ENOTFOUND', 'The API "demo" has a host name that could not be found.'],
    ['EAI_AGAIN', 'The API "demo" has a host name that could not be looked up (no network?).'],
  ])('a name lookup failing with %s: NETWORK_ERROR in plain words', async (code, message) => {
    const lookups: string[] = [];
    const client = createApiClient({
      apis: () => [{ name: 'demo', baseUrl: 'https://api.example.test' }],
      tokens: token,
      http: axios.create({
        lookup: async (hostname: string) => {
          lookups.push(hostname);
          throw Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, hostname });
        },
      }),
    });
    const err = await rejection(client.request(req({ path: '/me' })));
    expect([err.code, err.message]).toEqual(['NETWORK_ERROR', message]);
    expect(lookups).toEqual(['api.example.test']);
  });
});
