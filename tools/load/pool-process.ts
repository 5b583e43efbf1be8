/**
 * The local user pool as a separate process (`npm run user-pool -- --port N --config FILE`), for
 * the "IdP process restarts" fault: kill it, start it again on the same port. Reads the CLI's
 * JSON ready line; every start is bounded in time and every child is killed by stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PoolDefinition } from '../user-pool/types';
import type { RunningPoolLike } from '../support/scale-rig';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'tools/user-pool/cli.ts');

export interface PoolProcess {
  readonly ready: RunningPoolLike & { port: number };
  /** SIGKILL, as a crash: no graceful close. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts the pool again on the same port with the same definition. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

interface ReadyLine {
  event: string;
  issuer: string;
  domain: string;
  region: string;
  userPoolId: string;
}

function launch(
  port: number,
  configFile: string,
  timeoutMs: number,
): Promise<{ child: ChildProcess; ready: ReadyLine }> {
  // Node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a grandchild,
  // which a SIGKILL of the CLI would orphan (still holding the port).
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', String(port), '--config', configFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.resume(); // logs are not needed, but an unread pipe could stall the child
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`user pool process did not get ready within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.includes('"event":"ready"'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ child, ready: JSON.parse(line) as ReadyLine });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`user pool process exited early (code ${code})`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPoolProcess(options: {
  port: number;
  definition: PoolDefinition;
  readyTimeoutMs?: number;
}): Promise<PoolProcess> {
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'pool-process-'));
  const configFile = path.join(dir, 'pool.json');
  writeFileSync(configFile, JSON.stringify(options.definition));
  let current: ChildProcess | undefined;
  try {
    const first = await launch(options.port, configFile, timeoutMs);
    current = first.child;
    const ready = { ...first.ready, port: options.port };
    const kill = async () => {
      const child = current;
      current = undefined;
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    };
    return {
      ready,
      kill,
      async restart() {
        await kill();
        current = (await launch(options.port, configFile, timeoutMs)).child;
      },
      async stop() {
        await kill();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    current?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
