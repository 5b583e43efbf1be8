/**
 * Call before any keytar use in a test: refuses to run unless this process talks to the
 * private keyring that global-setup started, so a test can never reach a real keychain.
 */
export function assertPrivateKeyring(): string {
  // A GitHub-hosted macOS/Windows runner: a throwaway VM whose own keychain is nobody's (global-setup.ts).
  if (process.platform !== 'linux' && process.env['GITHUB_ACTIONS'] === 'true') return '';
  const dir = process.env['TEST_PRIVATE_KEYRING_DIR'];
  const bus = process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '';
  if (!dir || !bus.includes('cognito-desktop-keyring-')) {
    throw new Error(
      'Refusing to use keytar: the private test keyring is not active (run tests with npm test).',
    );
  }
  return dir;
}
