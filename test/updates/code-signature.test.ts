import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_POLICY, resolvePolicy } from '../../src/main/policy/effective-policy';
import {
  macAppBundle,
  parseCodesignDisplay,
  probeCodeSignature,
  type CodeSignature,
} from '../../src/main/updates/code-signature';
import {
  createUpdateController,
  decideUpdateSettings,
  type UpdaterPort,
} from '../../src/main/updates/update-controller';
import { UpdateStateSchema } from '../../src/shared/ipc-contract';

/**
 * Issue 30 (macOS): an ad-hoc signed or unsigned build cannot apply updates, so the update layer
 * says so instead of trying. The parser reads codesign's display text (fixtures in
 * test/fixtures/codesign, transcribed from Apple's documented format, not captured); the probe
 * runs the real spawn path (execFile) against stand-in `codesign` executables, each printing a
 * fixture or failing in one way; the decision and controller run for real with a recording port
 * standing in for electron-updater.
 */

const fixtures = path.resolve(import.meta.dirname, '../fixtures/codesign');
const fixture = (name: string) => readFileSync(path.join(fixtures, `${name}.txt`), 'utf8');
const dir = mkdtempSync(path.join(os.tmpdir(), 'codesign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FEED = 'https://updates.example.com/desktop';
const BUNDLE = '/Applications/Cognito Desktop.app';

let n = 0;
/** A stand-in codesign: prints `stderr`, exits with `code` (or hangs), records its arguments. */
function standInCodesign(answer: { stderr?: string; code?: number; hang?: boolean; bytes?: number }) {
  const exe = path.join(dir, `codesign-${n++}`);
  const ran = `${exe}.ran`;
  writeFileSync(
    exe,
    `#!${process.execPath}
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(ran)}, JSON.stringify(process.argv.slice(2)));
const a = ${JSON.stringify(answer)};
if (a.hang) setInterval(() => {}, 1000);
else {
  if (a.bytes) process.stderr.write('x'.repeat(a.bytes));
  if (a.stderr) process.stderr.write(a.stderr);
  process.stderr.on('finish', () => process.exit(a.code ?? 0));
  process.stderr.end();
}
`,
  );
  chmodSync(exe, 0o755);
  return { exe, args: () => (existsSync(ran) ? (JSON.parse(readFileSync(ran, 'utf8')) as string[]) : null) };
}

/** A recording stand-in for electron-updater's autoUpdater, always offering a newer version. */
function recordingPort() {
  const calls: string[] = [];
  const port: UpdaterPort = {
    setFeedUrl: (url) => void calls.push(`feed ${url}`),
    checkForUpdate: async () => (calls.push('check'), '9.9.9'),
    download: async () => void calls.push('download'),
    quitAndInstall: () => void calls.push('quitAndInstall'),
  };
  return { port, calls };
}

describe('codesign display parser', () => {
  it('reads each kind of signature from what codesign -dv --verbose=2 prints', () => {
    expect(parseCodesignDisplay(fixture('developer-id'))).toEqual({
      kind: 'developer-id',
      teamId: 'A1B2C3D4E5',
    });
    expect(parseCodesignDisplay(fixture('adhoc'))).toEqual({ kind: 'adhoc' });
    expect(parseCodesignDisplay(fixture('adhoc-linker-signed'))).toEqual({ kind: 'adhoc' });
    expect(parseCodesignDisplay(fixture('unsigned'))).toEqual({ kind: 'unsigned' });
    expect(parseCodesignDisplay(fixture('apple-development'))).toEqual({ kind: 'other-identity' });
    expect(parseCodesignDisplay(fixture('apple-platform'))).toEqual({ kind: 'other-identity' });
  });

  it('takes either ad-hoc marker alone, and Windows line ends', () => {
    const withoutSignatureLine = fixture('adhoc').replace('Signature=adhoc\n', '');
    expect(parseCodesignDisplay(withoutSignatureLine)).toEqual({ kind: 'adhoc' });
    const withoutFlag = fixture('adhoc').replace('flags=0x2(adhoc)', 'flags=0x0(none)');
    expect(parseCodesignDisplay(withoutFlag)).toEqual({ kind: 'adhoc' });
    expect(parseCodesignDisplay(fixture('developer-id').replaceAll('\n', '\r\n'))).toEqual({
      kind: 'developer-id',
      teamId: 'A1B2C3D4E5',
    });
  });

  it('counts as signed only a Developer ID Application certificate with a team that matches it', () => {
    const noTeam = fixture('developer-id').replace('TeamIdentifier=A1B2C3D4E5', 'TeamIdentifier=not set');
    expect(parseCodesignDisplay(noTeam)).toEqual({ kind: 'other-identity' });
    const installerOnly = fixture('developer-id').replace(
      'Developer ID Application:',
      'Developer ID Installer:',
    );
    expect(parseCodesignDisplay(installerOnly)).toEqual({ kind: 'other-identity' });
    const otherTeam = fixture('developer-id').replace(
      'TeamIdentifier=A1B2C3D4E5',
      'TeamIdentifier=Z9Y8X7W6V5',
    );
    expect(parseCodesignDisplay(otherTeam)).toMatchObject({ kind: 'unverified' });
  });

  it('reads text that is not codesign output as unverified, never as signed', () => {
    expect(parseCodesignDisplay('')).toMatchObject({ kind: 'unverified' });
    expect(
      parseCodesignDisplay('Authority=Developer ID Application: X (A1)\nTeamIdentifier=A1\n'),
    ).toMatchObject({
      kind: 'unverified',
    });
  });

  it('finds the .app bundle of the running executable', () => {
    expect(macAppBundle('/Applications/Cognito Desktop.app/Contents/MacOS/Cognito Desktop')).toBe(BUNDLE);
    expect(macAppBundle('/usr/lib/cognito-desktop/cognito-desktop')).toBeUndefined();
  });
});

describe('codesign probe (real spawn, stand-in codesign)', () => {
  it('runs codesign -dv --verbose=2 on the bundle and reads its stderr', async () => {
    const cs = standInCodesign({ stderr: fixture('adhoc') });
    expect(await probeCodeSignature({ bundlePath: BUNDLE, codesignPath: cs.exe })).toEqual({ kind: 'adhoc' });
    expect(cs.args()).toEqual(['-dv', '--verbose=2', BUNDLE]);
    const signed = standInCodesign({ stderr: fixture('developer-id') });
    expect(await probeCodeSignature({ bundlePath: BUNDLE, codesignPath: signed.exe })).toEqual({
      kind: 'developer-id',
      teamId: 'A1B2C3D4E5',
    });
  });

  it('reads exit 1 with "not signed at all" as unsigned', async () => {
    const cs = standInCodesign({ stderr: fixture('unsigned'), code: 1 });
    expect(await probeCodeSignature({ bundlePath: BUNDLE, codesignPath: cs.exe })).toEqual({
      kind: 'unsigned',
    });
  });

  it('fails closed: a failing run is never signed, even if it printed a Developer ID', async () => {
    const cs = standInCodesign({ stderr: fixture('developer-id'), code: 3 });
    expect(await probeCodeSignature({ bundlePath: BUNDLE, codesignPath: cs.exe })).toEqual({
      kind: 'unverified',
      detail: `codesign exited 3: Executable=${BUNDLE}/Contents/MacOS/Cognito Desktop`,
    });
  });

  it('fails closed when codesign cannot be started, hangs, or prints too much', async () => {
    expect(
      await probeCodeSignature({ bundlePath: BUNDLE, codesignPath: path.join(dir, 'no-such-codesign') }),
    ).toEqual({ kind: 'unverified', detail: 'codesign could not be started' });
    const hang = standInCodesign({ hang: true });
    expect(await probeCodeSignature({ bundlePath: BUNDLE, codesignPath: hang.exe, timeoutMs: 1500 })).toEqual(
      {
        kind: 'unverified',
        detail: 'codesign did not finish in time',
      },
    );
    const loud = standInCodesign({ bytes: 1024 * 1024 });
    expect(await probeCodeSignature({ bundlePath: BUNDLE, codesignPath: loud.exe })).toEqual({
      kind: 'unverified',
      detail: 'codesign printed too much',
    });
  });
});

describe('updates on macOS need a signed build', () => {
  /** The settings a packaged macOS build with a feed decides, its signature read by `probeSignature`. */
  const macSettings = (probeSignature: () => Promise<CodeSignature>) =>
    decideUpdateSettings({
      policy: NO_POLICY,
      feedUrl: FEED,
      packaged: true,
      platform: 'darwin',
      probeSignature,
    });
  /** The real probe, against a stand-in codesign at `codesignPath`. */
  const probeAt = (codesignPath: string) => () => probeCodeSignature({ bundlePath: BUNDLE, codesignPath });
  const manualTimers = () => {
    const due: Array<() => void> = [];
    return {
      timers: {
        now: () => 0,
        setTimeout: (fn: () => void) => due.push(fn),
        clearTimeout: () => undefined,
      },
      due,
    };
  };

  it('an ad-hoc build does not check, download or apply; the state and one log line say why', async () => {
    const cs = standInCodesign({ stderr: fixture('adhoc') });
    const settings = await macSettings(probeAt(cs.exe));
    const { port, calls } = recordingPort();
    const lines: string[] = [];
    const clock = manualTimers();
    const controller = createUpdateController({
      port,
      settings,
      timers: clock.timers,
      isSignInActive: () => false,
      log: (line) => lines.push(line),
    });
    controller.start();
    controller.start();
    await controller.checkNow();
    expect(() => controller.restartToUpdate()).toThrow(expect.objectContaining({ code: 'UPDATE_NOT_READY' }));
    expect(calls).toEqual([]);
    expect(clock.due).toEqual([]);
    const message =
      'This copy of the app is not signed with a Developer ID (ad-hoc signature), so macOS cannot apply updates to it. Install a signed release to get updates.';
    expect(controller.state()).toEqual({
      status: 'off',
      reason: 'needs-signed-build',
      code: 'UPDATES_NEED_SIGNED_BUILD',
      message,
    });
    // The UI receives it as the contract's update state.
    expect(UpdateStateSchema.parse(controller.state())).toEqual(controller.state());
    expect(lines).toEqual([`update: off (UPDATES_NEED_SIGNED_BUILD): ${message}`]);
  });

  it('an unsigned build and one signed without a Developer ID say so too', async () => {
    for (const [name, why] of [
      ['unsigned', 'is not signed at all'],
      ['apple-development', 'is signed, but not with a Developer ID'],
    ] as const) {
      const cs = standInCodesign({ stderr: fixture(name), code: name === 'unsigned' ? 1 : 0 });
      const settings = await macSettings(probeAt(cs.exe));
      expect(settings).toMatchObject({ enabled: false, code: 'UPDATES_NEED_SIGNED_BUILD' });
      expect('message' in settings && settings.message).toContain(`This copy of the app ${why},`);
    }
  });

  it('a signature that cannot be verified keeps updates off with its own code', async () => {
    const settings = await macSettings(probeAt(path.join(dir, 'missing')));
    expect(settings).toEqual({
      enabled: false,
      feedUrl: FEED,
      reason: 'signature-unverified',
      code: 'UPDATES_SIGNATURE_UNVERIFIED',
      message:
        'The app could not verify its own code signature (codesign could not be started), so it does not apply updates. Install a signed release to get updates.',
    });
    const thrown = await macSettings(() => Promise.reject(new Error('boom')));
    expect(thrown).toMatchObject({ enabled: false, code: 'UPDATES_SIGNATURE_UNVERIFIED' });
  });

  it('a Developer ID build checks, downloads and waits for the click as before', async () => {
    const cs = standInCodesign({ stderr: fixture('developer-id') });
    const settings = await macSettings(probeAt(cs.exe));
    expect(settings).toEqual({ enabled: true, feedUrl: FEED, reason: 'on' });
    const { port, calls } = recordingPort();
    const lines: string[] = [];
    const controller = createUpdateController({
      port,
      settings,
      timers: manualTimers().timers,
      isSignInActive: () => false,
      log: (line) => lines.push(line),
    });
    await controller.checkNow();
    expect(calls).toEqual(['check', 'download']);
    expect(controller.state()).toEqual({ status: 'ready', version: '9.9.9' });
    expect(lines).toEqual([]);
  });

  it('other platforms, and macOS with updates already off, never run the probe', async () => {
    const probed: string[] = [];
    const probeSignature = (): Promise<CodeSignature> => (
      probed.push('probe'),
      Promise.resolve({ kind: 'adhoc' })
    );
    for (const platform of ['linux', 'win32'] as const) {
      expect(
        await decideUpdateSettings({
          policy: NO_POLICY,
          feedUrl: FEED,
          packaged: true,
          platform,
          probeSignature,
        }),
      ).toEqual({ enabled: true, feedUrl: FEED, reason: 'on' });
    }
    const off = resolvePolicy([{ scope: 'machine', source: 'p', document: { updates: { enabled: false } } }]);
    expect(
      await decideUpdateSettings({
        policy: off,
        feedUrl: FEED,
        packaged: true,
        platform: 'darwin',
        probeSignature,
      }),
    ).toEqual({ enabled: false, reason: 'policy-off' });
    expect(
      await decideUpdateSettings({ policy: NO_POLICY, packaged: true, platform: 'darwin', probeSignature }),
    ).toEqual({ enabled: false, reason: 'no-feed' });
    expect(
      await decideUpdateSettings({
        policy: NO_POLICY,
        feedUrl: FEED,
        packaged: false,
        platform: 'darwin',
        probeSignature,
      }),
    ).toEqual({ enabled: false, feedUrl: FEED, reason: 'development' });
    expect(probed).toEqual([]);
  });
});
