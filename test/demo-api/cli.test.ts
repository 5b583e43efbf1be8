import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, tempDir } from './support/api-call';
import { TestIssuer } from './support/test-issuer';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

interface Cli {
  child: ChildProcess;
  stderr: () => string;
  ready: Promise<{ event: string; url: string }>;
  exited: Promise<number | null>;
}

function runCli(args: string[]): Cli {
  const child = spawn(tsx, ['tools/demo-api/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<{ event: string; url: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${err}`)), 45_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { event: string; url: string });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before ready; stderr: ${err}`));
    });
  });
  ready.catch(() => undefined);
  return { child, stderr: () => err, ready, exited };
}

describe('npm run demo-api (CLI)', () => {
  let issuer: TestIssuer;
  const tmp = tempDir();
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    issuer = await TestIssuer.start();
  });
  afterAll(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    await issuer?.close();
    tmp.cleanup();
  });

  it('prints one ready line, serves, logs to stderr without the token, and exits 0 on SIGTERM', async () => {
    const cli = runCli([
      '--issuer',
      issuer.issuer,
      '--client-id',
      issuer.clientId,
      '--port',
      '0',
      '--db-path',
      tmp.dbPath,
    ]);
    running.push(cli.child);
    const ready = await cli.ready;
    expect(ready).toEqual({ event: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const token = await issuer.mint();
    expect((await call(ready.url, '/me', { token })).status).toBe(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toContain('"path":"/me"');
    expect(cli.stderr()).not.toContain(token.split('.')[2]);
    expect(cli.stderr()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  }, 90_000);

  it('takes the user pool’s ready line with --pool-json and stops on SIGINT', async () => {
    const poolLine = JSON.stringify({
      event: 'ready',
      issuer: issuer.issuer,
      jwksUri: issuer.jwksUri,
      domain: issuer.url,
    });
    const cli = runCli(['--pool-json', poolLine, '--client-id', issuer.clientId, '--db-path', tmp.dbPath]);
    running.push(cli.child);
    const ready = await cli.ready;
    expect((await call(ready.url, '/me', { token: await issuer.mint() })).status).toBe(200);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  }, 90_000);

  it('refuses bad arguments with exit code 2 and a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--client-id', 'x'], /--issuer, --pool-json or --user-pool-id is required/],
      [['--issuer', issuer.issuer], /--client-id is required/],
      [['--issuer', 'http://idp.example.com/pool', '--client-id', 'x'], /https \(http only on loopback\)/],
      [['--issuer', issuer.issuer, '--client-id', 'x', '--port', '99999'], /--port must be an integer/],
      [['--pool-json', '{oops', '--client-id', 'x'], /--pool-json is not valid JSON/],
      [
        ['--user-pool-id', 'eu-west-1_abc', '--region', 'us-east-1', '--client-id', 'x'],
        /not in region us-east-1/,
      ],
      [['--bogus'], /Unknown option/],
    ];
    // In parallel: each case is a tsx start-up, which is slow on a loaded machine.
    const runs = cases.map(([args, message]) => {
      const cli = runCli(args);
      running.push(cli.child);
      return { args, message, cli };
    });
    for (const { args, message, cli } of runs) {
      expect(await cli.exited, args.join(' ')).toBe(2);
      expect(cli.stderr()).toMatch(message);
    }
  }, 120_000);
});
