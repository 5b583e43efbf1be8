import { execFile } from 'node:child_process';
import { redact } from '../../shared/redact';

/**
 * What kind of code signature the running macOS app has, so the update layer can tell an ad-hoc
 * build that it cannot update instead of letting it try. Squirrel.Mac (under electron-updater)
 * only applies an update whose designated requirement the running app's signature satisfies; an
 * ad-hoc signature's requirement is its own cdhash, which the next build never matches, and an
 * unsigned app has none, so such a copy would download every update and fail to apply it.
 *
 * API:
 *   parseCodesignDisplay(stderr) -> CodeSignature      pure: the text `codesign -dv --verbose=2` prints
 *   probeCodeSignature({ bundlePath, codesignPath?, timeoutMs? }) -> Promise<CodeSignature>
 *   macAppBundle(execPath) -> the `.app` folder holding the executable, or undefined
 *
 * This decides whether to try, not whether an update is trustworthy: that is Squirrel.Mac's
 * check of the downloaded bundle. So it fails closed: only a Developer ID signature with a team
 * lets updates run; anything it cannot read is `unverified` and updates stay off.
 *
 * codesign is started by absolute path (`/usr/bin/codesign`, part of macOS), never through PATH,
 * like the policy readers' plutil and reg.exe.
 */

export const CODESIGN_PATH = '/usr/bin/codesign';
export const CODESIGN_TIMEOUT_MS = 10_000;
/** codesign -dv prints about twenty short lines; more than this is not its output. */
const MAX_OUTPUT_BYTES = 256 * 1024;

export type CodeSignature =
  /** Signed with a Developer ID Application certificate of this team: updates can apply. */
  | { kind: 'developer-id'; teamId: string }
  /** `codesign -s -`: no identity at all (electron-builder's default without a certificate). */
  | { kind: 'adhoc' }
  | { kind: 'unsigned' }
  /** Signed, but not with a Developer ID (an Apple Development certificate, Apple's own, ...). */
  | { kind: 'other-identity' }
  /** codesign could not say (not started, timed out, failed, printed something else). */
  | { kind: 'unverified'; detail: string };

const DEVELOPER_ID_APPLICATION = 'Developer ID Application:';

export function parseCodesignDisplay(stderr: string): CodeSignature {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim());
  if (lines.some((line) => line.endsWith('code object is not signed at all'))) return { kind: 'unsigned' };

  const value = (key: string) => lines.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1);
  // `CodeDirectory v=20400 size=... flags=0x2(adhoc) ...`, or `flags=0x20002(adhoc,linker-signed)`.
  const codeDirectory = lines.find((line) => line.startsWith('CodeDirectory '));
  const flags = /\bflags=0x[0-9a-f]+\(([^)]*)\)/i.exec(codeDirectory ?? '')?.[1]?.split(',') ?? [];
  if (value('Signature') === 'adhoc' || flags.map((f) => f.trim()).includes('adhoc'))
    return { kind: 'adhoc' };

  if (value('Executable') === undefined || codeDirectory === undefined) {
    return { kind: 'unverified', detail: 'codesign printed no signature details' };
  }
  const teamId = value('TeamIdentifier');
  const leaf = lines
    .filter((line) => line.startsWith('Authority='))
    .map((line) => line.slice('Authority='.length))
    .find((authority) => authority.startsWith(DEVELOPER_ID_APPLICATION));
  if (teamId === undefined || teamId === 'not set' || teamId === '' || leaf === undefined) {
    return { kind: 'other-identity' };
  }
  // The certificate names its team in parentheses; a different one is not this team's signature.
  const certificateTeam = /\(([A-Z0-9]+)\)\s*$/.exec(leaf)?.[1];
  if (certificateTeam !== undefined && certificateTeam !== teamId) {
    return { kind: 'unverified', detail: 'the certificate names another team than the signature' };
  }
  return { kind: 'developer-id', teamId };
}

/** `/Applications/Cognito Desktop.app/Contents/MacOS/Cognito Desktop` -> `/Applications/Cognito Desktop.app` */
export function macAppBundle(execPath: string): string | undefined {
  const match = /^(.*?\.app)\/Contents\/MacOS\/[^/]+$/.exec(execPath);
  return match?.[1];
}

export function probeCodeSignature(options: {
  bundlePath: string;
  /** Tests only: a stand-in codesign. */
  codesignPath?: string;
  timeoutMs?: number;
}): Promise<CodeSignature> {
  const unverified = (detail: string): CodeSignature => ({ kind: 'unverified', detail });
  return new Promise((resolve) => {
    execFile(
      options.codesignPath ?? CODESIGN_PATH,
      ['-dv', '--verbose=2', options.bundlePath],
      {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? CODESIGN_TIMEOUT_MS,
        maxBuffer: MAX_OUTPUT_BYTES,
        shell: false,
      },
      (error, _stdout, stderr) => {
        const text = String(stderr);
        if (!error) return resolve(parseCodesignDisplay(text));
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
          return resolve(unverified('codesign printed too much'));
        if (e.killed || e.signal) return resolve(unverified('codesign did not finish in time'));
        if (typeof e.code !== 'number') return resolve(unverified('codesign could not be started'));
        // codesign exits 1 for an unsigned bundle; any other failure is not a verdict, and a
        // failing run never counts as signed.
        const parsed = parseCodesignDisplay(text);
        if (parsed.kind === 'unsigned') return resolve(parsed);
        const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
        resolve(
          unverified(`codesign exited ${e.code}${line ? `: ${redact(line.trim().slice(0, 160))}` : ''}`),
        );
      },
    );
  });
}
