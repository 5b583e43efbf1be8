import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, mkdir, chmod } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A private Secret Service for tests: its own dbus-daemon and gnome-keyring-daemon, keyring
 * files in a fresh temporary folder, unlocked with a throwaway password. A fresh folder matters:
 * gnome-keyring refuses to write into an existing keyring created with another password.
 */
export interface PrivateKeyring {
  /** Environment to give a process so that libsecret/keytar talk to this keyring only. */
  env: { DBUS_SESSION_BUS_ADDRESS: string; XDG_DATA_HOME: string; XDG_RUNTIME_DIR: string };
  dir: string;
  keyringDir: string;
  stop(): Promise<void>;
}

async function waitForLine(child: ChildProcess, predicate: (line: string) => boolean, what: string) {
  let buffered = '';
  const stdout = child.stdout;
  if (!stdout) throw new Error(`${what}: no stdout`);
  return await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 10 s`)), 10_000);
    stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        if (predicate(line)) {
          clearTimeout(timer);
          resolve(line.trim());
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited early with code ${code}`));
    });
  });
}

/** In the foreground the keyring daemon prints nothing: wait until it owns its bus name. */
async function waitForSecretService(env: Record<string, string>) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const owned = await new Promise<boolean>((resolve) => {
      execFile(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.NameHasOwner',
          'string:org.freedesktop.secrets',
        ],
        { env: { ...process.env, ...env }, timeout: 2000 },
        (error, stdout) => resolve(!error && stdout.includes('boolean true')),
      );
    });
    if (owned) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('gnome-keyring-daemon did not register the Secret Service within 10 s');
}

export async function startPrivateKeyring(): Promise<PrivateKeyring> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cognito-desktop-keyring-'));
  const dataHome = path.join(dir, 'data');
  const runtimeDir = path.join(dir, 'run');
  await mkdir(dataHome, { recursive: true });
  await mkdir(runtimeDir, { recursive: true });
  await chmod(runtimeDir, 0o700);
  const socket = path.join(runtimeDir, 'bus');

  const baseEnv: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: runtimeDir };
  delete baseEnv['DISPLAY'];
  const bus = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--nopidfile', '--print-address=1', `--address=unix:path=${socket}`],
    { env: baseEnv, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const address = await waitForLine(bus, (l) => l.startsWith('unix:'), 'dbus-daemon');
  const env = { DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: runtimeDir };

  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...baseEnv, ...env },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  keyring.stdin?.end('throwaway-test-password');
  await waitForSecretService(env);

  const stopChild = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await once(child, 'exit');
    clearTimeout(timer);
  };

  return {
    env,
    dir,
    keyringDir: path.join(dataHome, 'keyrings'),
    async stop() {
      await stopChild(keyring);
      await stopChild(bus);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface EnteredKeyring {
  keyring: PrivateKeyring;
  /** Stops the keyring and gives this process back the environment it had before. */
  leave(): Promise<void>;
}

/**
 * Starts a private keyring and points this process at it (libsecret reads the environment on its
 * first connection, so call this before the first keytar use). `TEST_PRIVATE_KEYRING_DIR` is what
 * test/support/keyring-guard.ts checks before any keytar use in a test.
 */
export async function enterPrivateKeyring(): Promise<EnteredKeyring> {
  const saved = { ...process.env };
  const keyring = await startPrivateKeyring();
  Object.assign(process.env, keyring.env, { TEST_PRIVATE_KEYRING_DIR: keyring.keyringDir });
  return {
    keyring,
    async leave() {
      await keyring.stop();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    },
  };
}
