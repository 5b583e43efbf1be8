import type { TestProject } from 'vitest/node';
import { startPrivateKeyring, type PrivateKeyring } from './private-keyring';

let keyring: PrivateKeyring | undefined;

export async function setup(project: TestProject) {
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
