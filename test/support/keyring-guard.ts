/**
 * Call before any keytar use in a test: refuses to run unless this process talks to the
 * private keyring that global-setup started, so a test can never reach a real keychain.
 */
export function assertPrivateKeyring(): string {
  const dir = process.env['TEST_PRIVATE_KEYRING_DIR'];
  const bus = process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '';
  if (!dir || !bus.includes('cognito-desktop-keyring-')) {
    throw new Error(
      'Refusing to use keytar: the private test keyring is not active (run tests with npm test).',
    );
  }
  return dir;
}
