import { randomBytes } from 'node:crypto';
import { detectLinuxSandbox, sandboxKeychainHint } from '../platform/linux-sandbox';
import type { CheckResult } from './checks';

/**
 * Is there an OS keychain the app can keep a refresh token in? Writes, reads back and deletes a
 * throwaway entry under the app's service name: a locked keyring can often be read but not written,
 * so a read alone would pass when sign-in would not persist.
 */
export const KEYCHAIN_SERVICE = 'com.example.cognitodesktop';

export interface KeychainLike {
  setPassword(service: string, account: string, password: string): Promise<void>;
  getPassword(service: string, account: string): Promise<string | null>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** The backend keytar uses on each platform, named in the check's detail. */
export function keychainBackend(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service over D-Bus (libsecret)';
}

function keychainFix(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'darwin') return 'Unlock the login keychain (Keychain Access) and run the doctor again.';
  if (platform === 'win32') return 'Make sure Windows Credential Manager is available for this user.';
  const hint = sandboxKeychainHint(detectLinuxSandbox(env, platform));
  if (hint) return hint;
  return 'Install and unlock a Secret Service keyring (gnome-keyring or KWallet, plus libsecret-1-0) in a desktop session with D-Bus (DBUS_SESSION_BUS_ADDRESS set). Without one the app keeps sign-ins in memory only.';
}

async function loadKeytar(): Promise<KeychainLike> {
  const mod = (await import('keytar')) as unknown as { default?: KeychainLike } & KeychainLike;
  return mod.default ?? mod;
}

export async function checkKeychain(
  load: () => Promise<KeychainLike> = loadKeytar,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CheckResult> {
  const base = { id: 'keychain', title: 'OS keychain available' };
  const account = `doctor-probe:${randomBytes(6).toString('hex')}`;
  const value = randomBytes(12).toString('hex');
  let keychain: KeychainLike;
  try {
    keychain = await load();
  } catch (error) {
    return {
      ...base,
      status: 'fail',
      detail: `keytar could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      fix: 'Run npm ci so keytar is built for this machine (Linux needs libsecret-1-dev to build it).',
    };
  }
  try {
    await keychain.setPassword(KEYCHAIN_SERVICE, account, value);
    const read = await keychain.getPassword(KEYCHAIN_SERVICE, account);
    await keychain.deletePassword(KEYCHAIN_SERVICE, account);
    if (read !== value) {
      return {
        ...base,
        status: 'fail',
        detail: `${keychainBackend(platform)}: an entry written could not be read back`,
        fix: keychainFix(platform, env),
      };
    }
    return {
      ...base,
      status: 'pass',
      detail: `${keychainBackend(platform)}: wrote, read back and deleted a test entry`,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      ...base,
      status: 'fail',
      detail: `${keychainBackend(platform)} not usable: ${message}`,
      fix: keychainFix(platform, env),
    };
  }
}
