import { app } from 'electron';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { NO_POLICY, type PolicyOutcome } from '../policy/effective-policy';
import { macAppBundle, probeCodeSignature } from './code-signature';
import { createElectronUpdaterPort } from './electron-updater-port';
import {
  createUpdateController,
  decideUpdateSettings,
  installerFeedUrl,
  OFF_PORT,
  type UpdateController,
} from './update-controller';

/**
 * Electron glue: the update controller of the app, decided by the organisation policy and the
 * installer's `app-update.yml` and, on macOS, the app's code signature (update-controller.ts
 * decides; this file reads the inputs), and its run: checks start once the window is up and stop when the app quits.
 */
export interface AppUpdatesOptions {
  policy: PolicyOutcome;
  /** Never installs over a sign-in in progress. */
  isSignInActive(): boolean;
  /** Hears once why updates are off for this copy (an unsigned macOS build). */
  log: Logger;
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export async function createAppUpdates(options: AppUpdatesOptions): Promise<UpdateController> {
  const { policy } = options;
  const choice = await decideUpdateSettings({
    policy: 'policy' in policy ? policy.policy : NO_POLICY,
    // process.resourcesPath is undefined outside a packaged Electron (development, stand-in).
    feedUrl: installerFeedUrl(
      process.resourcesPath ? readOptional(path.join(process.resourcesPath, 'app-update.yml')) : undefined,
    ),
    packaged: app.isPackaged,
    platform: process.platform,
    probeSignature: () => {
      const bundlePath = macAppBundle(process.execPath);
      return bundlePath
        ? probeCodeSignature({ bundlePath })
        : Promise.resolve({ kind: 'unverified', detail: 'the app is not inside an .app bundle' });
    },
  });
  return createUpdateController({
    port: choice.enabled ? await createElectronUpdaterPort() : OFF_PORT,
    settings: choice,
    timers: {
      now: Date.now,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    isSignInActive: options.isSignInActive,
    log: (line) => options.log.warn(line),
  });
}

export function runAppUpdates(updates: UpdateController, log: Logger): void {
  updates.onChange((state) => log.info(`update: ${state.status}`));
  updates.start();
  app.on('before-quit', () => updates.stop());
}
