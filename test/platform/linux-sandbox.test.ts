/**
 * Snap and Flatpak detection from the environment the sandbox sets, and the keychain messages
 * that follow from it: inside a snap, the memory-only warning and the doctor's fix name the
 * `snap connect <snap>:password-manager-service` command.
 */
import { describe, expect, it } from 'vitest';
import { checkKeychain } from '../../src/main/doctor/keychain-check';
import { detectLinuxSandbox, sandboxKeychainHint } from '../../src/main/platform/linux-sandbox';

const SNAP_ENV = { SNAP: '/snap/cognito-desktop/42', SNAP_NAME: 'cognito-desktop', SNAP_REVISION: '42' };

describe('Linux sandbox detection', () => {
  it('a snap is named by SNAP and SNAP_NAME; Flatpak by FLATPAK_ID; nothing elsewhere or off Linux', () => {
    expect(detectLinuxSandbox(SNAP_ENV, 'linux')).toEqual({ kind: 'snap', name: 'cognito-desktop' });
    expect(detectLinuxSandbox({ FLATPAK_ID: 'com.example.CognitoDesktop' }, 'linux')).toEqual({
      kind: 'flatpak',
      id: 'com.example.CognitoDesktop',
    });
    expect(detectLinuxSandbox({}, 'linux')).toEqual({ kind: 'none' });
    expect(detectLinuxSandbox({ SNAP: '/snap/x/1' }, 'linux')).toEqual({ kind: 'none' });
    expect(detectLinuxSandbox(SNAP_ENV, 'darwin')).toEqual({ kind: 'none' });
    // A name that is not a snap name is not pasted into a command.
    expect(detectLinuxSandbox({ SNAP: '/snap/x/1', SNAP_NAME: 'x; rm -rf ~' }, 'linux')).toEqual({
      kind: 'none',
    });
  });

  it('the snap hint names the exact snap connect command; outside a sandbox there is none', () => {
    expect(sandboxKeychainHint({ kind: 'snap', name: 'cognito-desktop' })).toContain(
      '`snap connect cognito-desktop:password-manager-service`',
    );
    expect(sandboxKeychainHint({ kind: 'flatpak', id: 'com.example.CognitoDesktop' })).toMatch(
      /Secret portal/,
    );
    expect(sandboxKeychainHint({ kind: 'none' })).toBe('');
  });

  it('the doctor names the backend it found, and inside a snap its fix is the snap connect command', async () => {
    const failing = async () => ({
      setPassword: async () => {
        throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
      },
      getPassword: async () => null,
      deletePassword: async () => false,
    });
    const inSnap = await checkKeychain(failing, 'linux', SNAP_ENV);
    expect(inSnap).toMatchObject({ status: 'fail' });
    expect(inSnap.detail).toMatch(/^Secret Service over D-Bus \(libsecret\) not usable: Cannot autolaunch/);
    expect(inSnap.fix).toContain('snap connect cognito-desktop:password-manager-service');
    const plain = await checkKeychain(failing, 'linux', {});
    expect(plain.fix).toMatch(/^Install and unlock a Secret Service keyring/);
  });
});
