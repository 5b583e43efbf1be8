import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../tools/support/ports';

/**
 * Real proxies from Debian, started by a test on a loopback port and stopped by it:
 *  - squid (a forward proxy with CONNECT): its `hosts_file` maps the test names (pool.test,
 *    api.test) to 127.0.0.1, so the app's transport must tunnel through it to reach them; its
 *    access log shows every tunnel.
 *  - mitmdump (mitmproxy, regular mode, TLS-inspecting): its CA is made in a fresh
 *    `--set confdir=<tmp>`; a small addon maps the same names to 127.0.0.1; upstream it trusts the
 *    test CA only (ssl_verify_upstream_trusted_ca), never "insecure". Its output lists each flow.
 * Each start waits (bounded) until the port accepts connections.
 */
export interface DebianProxy {
  url: string;
  port: number;
  /** What the proxy logged so far (squid: access log; mitmdump: its flow output). */
  log(): string;
  close(): Promise<void>;
}

const NAMES = ['pool.test', 'api.test'];

async function waitForPort(
  port: number,
  child: ChildProcess,
  output: () => string,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`proxy exited early (${child.exitCode}):\n${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`proxy did not listen on ${port} within ${ms} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startSquid(): Promise<DebianProxy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'squid-'));
  // squid started as root drops to its own user, which must write its logs here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  writeFileSync(path.join(dir, 'hosts'), `127.0.0.1 ${NAMES.join(' ')}\n`);
  const accessLog = path.join(dir, 'access.log');
  writeFileSync(
    path.join(dir, 'squid.conf'),
    [
      `http_port 127.0.0.1:${port}`,
      `pid_filename ${dir}/squid.pid`,
      `access_log stdio:${accessLog} squid`,
      `cache_log ${dir}/cache.log`,
      'cache_store_log none',
      'cache deny all',
      `hosts_file ${dir}/hosts`,
      'pinger_enable off',
      'acl from_loopback src 127.0.0.1/32',
      'http_access allow from_loopback',
      'http_access deny all',
      `coredump_dir ${dir}`,
      'shutdown_lifetime 0 seconds',
      '',
    ].join('\n'),
  );
  let output = '';
  const child = spawn('squid', ['-N', '-f', path.join(dir, 'squid.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log: () => (existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : ''),
    async close() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Mitmdump extends DebianProxy {
  /** mitmproxy's own CA certificate (PEM file in the confdir). */
  caFile: string;
}

export async function startMitmdump(options: { upstreamCaFile: string }): Promise<Mitmdump> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mitm-'));
  const port = await freePort();
  const addon = path.join(dir, 'map_test_names.py');
  writeFileSync(
    addon,
    [
      '# Connect the test names to 127.0.0.1 (the client never resolves them; the proxy does).',
      `NAMES = {${NAMES.map((n) => `"${n}"`).join(', ')}}`,
      '',
      'def server_connect(data):',
      '    host, port = data.server.address',
      '    if host in NAMES:',
      '        data.server.address = ("127.0.0.1", port)',
      '',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(
    'mitmdump',
    [
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--set',
      `confdir=${dir}`,
      '--set',
      `ssl_verify_upstream_trusted_ca=${options.upstreamCaFile}`,
      '-s',
      addon,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output);
  const caFile = path.join(dir, 'mitmproxy-ca-cert.pem');
  const end = Date.now() + 10_000;
  while (!existsSync(caFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    caFile,
    log: () => output,
    async close() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
