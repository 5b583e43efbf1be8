import type { TestProject } from 'vitest/node';
import { startPrivateKeyring, type PrivateKeyring } from '../../tools/support/keyring';

let keyring: PrivateKeyring | undefined;

/**
 * On a GitHub-hosted macOS or Windows runner (a throwaway VM, .github/workflows/ci.yml) there is
 * no gnome-keyring to start: the launch test, the one test .ci/run runs there, uses that VM's own
 * keychain. Anywhere else off Linux the private keyring is required, and its start fails loudly.
 */
export const onThrowawayCiRunner = (): boolean =>
  process.platform !== 'linux' && process.env['GITHUB_ACTIONS'] === 'true';

export async function setup(project: TestProject) {
  if (onThrowawayCiRunner()) {
    project.provide('privateKeyringDir', '');
    return;
  }
  keyring = await startPrivateKeyring();
  // Workers inherit this environment; libsecret reads it on its first connection.
  Object.assign(process.env, keyring.env, { TEST_PRIVATE_KEYRING_DIR: keyring.keyringDir });
  project.provide('privateKeyringDir', keyring.keyringDir);
}

export async function teardown() {
  await keyring?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    privateKeyringDir: string;
  }
}
