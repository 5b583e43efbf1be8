import os from 'node:os';
import { AppError } from '../../shared/errors';
import type { AboutInfo, DiagnosticsExportResult } from '../../shared/ipc-contract';
import type { SessionState } from '../../shared/session-state';
import type { ResolvedProfile } from '../config/profile';
import type { PolicyOutcome } from '../policy/effective-policy';
import type { CheckResult } from '../doctor/checks';
import { checkKeychain } from '../doctor/keychain-check';
import { runProfileChecksWith } from '../doctor/profile-checks';
import type { SignedInContext } from '../doctor/identity-pool-checks';
import type { HelpMenuExtension } from '../menu/app-menu';
import type { NetTransport } from '../net/transport';
import { collectDiagnostics, writeDiagnostics, type DiagnosticsBundle } from './diagnostics-bundle';

/**
 * "Export diagnostics..." from the Help menu or an error screen: asks where to save, collects
 * the bundle (diagnostics-bundle.ts) and writes it. Plain code: the save dialog is the injected
 * `chooseSavePath` (Electron's dialog in electron-save-dialog.ts, a stand-in chooser in tests).
 *
 * API:
 *   createDiagnosticsExporter(options) -> { export(): Promise<DiagnosticsExportResult> }
 *   diagnosticsFileName(now)            the suggested file name
 *   EXPORT_DIAGNOSTICS_MENU_ITEM        the Help menu extension (menu/app-menu.ts helpExtensions)
 *
 * Promises: a cancelled dialog writes nothing and resolves `{ saved: false }`; a file that cannot
 * be written rejects with DIAGNOSTICS_NOT_SAVED (the path named, nothing else lost); the checks
 * run for the active profile through the app's own transport (its proxy and trust store) and
 * the keychain check; two exports at once share one run, so a double click opens one dialog.
 */
export interface DiagnosticsExporter {
  export(): Promise<DiagnosticsExportResult>;
}

export interface DiagnosticsExportOptions {
  /** Resolves the path the user chose, or undefined when they cancelled. */
  chooseSavePath(suggestedName: string): Promise<string | undefined>;
  now?: () => number;
  about: () => AboutInfo;
  policy: PolicyOutcome | undefined;
  activeProfile: () => ResolvedProfile | undefined;
  /** The token-free state of the active session. */
  session: () => SessionState | undefined;
  transport: NetTransport;
  /** The keychain check; default: write, read back and delete a test entry through keytar. */
  keychainCheck?: () => Promise<CheckResult>;
  logFile?: string;
  /** While signed in with an identity pool: the ID token for GetId and the token-free AWS view. */
  identityPool?: () => SignedInContext | undefined;
}

export const EXPORT_DIAGNOSTICS_MENU_ITEM: HelpMenuExtension = Object.freeze({
  id: 'export-diagnostics',
  label: { en: 'Export Diagnostics…', de: 'Diagnosedaten exportieren …' },
});

export function diagnosticsFileName(now: number): string {
  const stamp = new Date(now).toISOString().replace(/\..*$/, '').replace(/:/g, '-');
  return `cognito-desktop-diagnostics-${stamp}.json`;
}

function policySummary(outcome: PolicyOutcome | undefined): DiagnosticsBundle['policy'] {
  if (outcome === undefined) return { sources: [] };
  if ('error' in outcome) {
    const { source, key, message } = outcome.error;
    return { sources: [], error: { source, key, message } };
  }
  return { sources: outcome.policy.sources.map((s) => ({ scope: s.scope, source: s.source })) };
}

export function createDiagnosticsExporter(options: DiagnosticsExportOptions): DiagnosticsExporter {
  const now = options.now ?? Date.now;
  const keychain = options.keychainCheck ?? (() => checkKeychain());
  let running: Promise<DiagnosticsExportResult> | undefined;

  const run = async (): Promise<DiagnosticsExportResult> => {
    const file = await options.chooseSavePath(diagnosticsFileName(now()));
    if (file === undefined) return { saved: false };
    const profile = options.activeProfile();
    const about = options.about();
    const bundle = await collectDiagnostics({
      now,
      versions: {
        app: about.version,
        ...(about.electron ? { electron: about.electron } : {}),
        ...(about.chromium ? { chromium: about.chromium } : {}),
        node: about.node,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
      },
      policy: policySummary(options.policy),
      profile,
      session: options.session,
      runChecks: profile
        ? async () => [
            ...(await runProfileChecksWith(profile, options.transport, options.identityPool?.())),
            await keychain(),
          ]
        : undefined,
      logFile: options.logFile,
    });
    try {
      writeDiagnostics(file, bundle);
    } catch (error) {
      throw new AppError(
        'DIAGNOSTICS_NOT_SAVED',
        `The diagnostics could not be written to ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        { cause: error },
      );
    }
    return { saved: true, file };
  };

  return {
    export() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
