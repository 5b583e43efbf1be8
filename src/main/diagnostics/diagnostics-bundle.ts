import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { z } from 'zod';
import { redact } from '../../shared/redact';
import { SessionStateSchema, type SessionState } from '../../shared/session-state';
import type { ResolvedProfile } from '../config/profile';
import { writePrivateFileAtomic } from '../config/private-file';

/**
 * The file a user hands to support: "Export diagnostics...".
 *
 * API:
 *   DiagnosticsBundleSchema              the layout (strict: a field not listed cannot get in)
 *   collectDiagnostics(inputs) -> bundle  never rejects; a part that fails says so in its place
 *   writeDiagnostics(file, bundle)       atomic write, mode 0600
 *   readLogTail(file, maxLines)          the last lines of the log, redacted again
 *
 * What it holds: versions (app, Electron, Chromium, Node, OS), the policy sources found, the
 * active profile reduced to ids and URLs (never `clientSecret`), the token-free session state,
 * the doctor's checks run from inside the app, and the last lines of the log.
 *
 * Why it cannot carry a token: nothing here can reach one (the session state schema has no token
 * field, the profile is rebuilt field by field), every free-text string passes `redact()` (JWT and
 * JWE shapes, bearer values, `*_token=`), and the whole bundle is parsed with a strict schema
 * before it is written, so a field added by mistake fails the export instead of leaking.
 */

const text = (max: number) => z.string().max(max);

export const DiagnosticsCheckSchema = z
  .object({
    id: text(100),
    title: text(200),
    status: z.enum(['pass', 'fail', 'warn', 'skip']),
    detail: text(2000),
    fix: text(2000).optional(),
    /** Which proxy and trust source the check's request went through. */
    network: z
      .object({ proxy: text(500), trust: text(500) })
      .strict()
      .optional(),
  })
  .strict();
export type DiagnosticsCheck = z.infer<typeof DiagnosticsCheckSchema>;

export const DiagnosticsProfileSchema = z
  .object({
    id: text(64),
    label: text(100),
    region: text(32),
    userPoolId: text(64),
    clientId: text(128),
    domain: text(2048),
    issuer: text(2048),
    scopes: z.array(text(256)).max(50),
    redirectUris: z.array(text(2048)).max(11),
    signOutUrl: text(2048).optional(),
    apis: z.array(z.object({ name: text(64), baseUrl: text(2048) }).strict()).max(50),
    demo: z.boolean(),
    hasClientSecret: z.boolean(),
  })
  .strict();

export const DiagnosticsBundleSchema = z
  .object({
    format: z.literal('cognito-desktop-diagnostics/1'),
    createdAt: text(40),
    versions: z
      .object({
        app: text(64),
        electron: text(64).optional(),
        chromium: text(64).optional(),
        node: text(64),
        os: text(200),
      })
      .strict(),
    policy: z
      .object({
        sources: z.array(z.object({ scope: z.enum(['machine', 'user']), source: text(500) }).strict()).max(4),
        error: z
          .object({ source: text(500), key: text(200), message: text(1000) })
          .strict()
          .optional(),
      })
      .strict(),
    profile: DiagnosticsProfileSchema.nullable(),
    session: SessionStateSchema.nullable(),
    checks: z.union([z.array(DiagnosticsCheckSchema).max(100), z.object({ error: text(1000) }).strict()]),
    log: z.object({ file: text(1000).optional(), lines: z.array(text(4000)).max(1000) }).strict(),
  })
  .strict();
export type DiagnosticsBundle = z.infer<typeof DiagnosticsBundleSchema>;

export interface DiagnosticsInputs {
  now: () => number;
  versions: { app: string; electron?: string; chromium?: string; node: string; os: string };
  policy: DiagnosticsBundle['policy'];
  profile: ResolvedProfile | undefined;
  session: () => SessionState | undefined;
  /** The doctor's checks for the active profile (src/main doctor code, run in-process). */
  runChecks: (() => Promise<DiagnosticsCheck[]>) | undefined;
  logFile: string | undefined;
  logLines?: number;
}

export const DEFAULT_LOG_LINES = 200;
const CHECKS_TIMEOUT_MS = 20_000;

function profileSummary(p: ResolvedProfile): z.infer<typeof DiagnosticsProfileSchema> {
  return {
    id: p.id,
    label: p.label,
    region: p.region,
    userPoolId: p.userPoolId,
    clientId: p.clientId,
    domain: p.domain,
    issuer: p.issuer,
    scopes: [...p.scopes],
    redirectUris: [...p.redirect.loopback, ...(p.redirect.customScheme ? [p.redirect.customScheme] : [])],
    ...(p.signOutUrl ? { signOutUrl: p.signOutUrl } : {}),
    apis: p.apis.map((api) => ({ name: api.name, baseUrl: api.baseUrl })),
    demo: p.demo === true,
    hasClientSecret: p.clientSecret !== undefined,
  };
}

const clip = (value: string, max: number) => redact(value).slice(0, max);

async function checks(inputs: DiagnosticsInputs): Promise<DiagnosticsBundle['checks']> {
  if (!inputs.runChecks) return { error: 'No profile is active, so there is nothing to check.' };
  let timer: NodeJS.Timeout | undefined;
  try {
    const results = await Promise.race([
      inputs.runChecks(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the checks took longer than ${CHECKS_TIMEOUT_MS / 1000} s`)),
          CHECKS_TIMEOUT_MS,
        );
      }),
    ]);
    return results.slice(0, 100).map((r) => ({
      id: clip(r.id, 100),
      title: clip(r.title, 200),
      status: r.status,
      detail: clip(r.detail, 2000),
      ...(r.fix === undefined ? {} : { fix: clip(r.fix, 2000) }),
      ...(r.network === undefined
        ? {}
        : { network: { proxy: clip(r.network.proxy, 500), trust: clip(r.network.trust, 500) } }),
    }));
  } catch (error) {
    return {
      error: clip(
        `The checks could not run: ${error instanceof Error ? error.message : String(error)}`,
        1000,
      ),
    };
  } finally {
    clearTimeout(timer);
  }
}

export async function collectDiagnostics(inputs: DiagnosticsInputs): Promise<DiagnosticsBundle> {
  let session: SessionState | null = null;
  try {
    // Re-parsed: the schema is strict and token-free, so whatever the session returns, only the
    // published fields get through.
    const state = inputs.session();
    session = state === undefined ? null : SessionStateSchema.parse(state);
  } catch {
    session = null;
  }
  const bundle: DiagnosticsBundle = {
    format: 'cognito-desktop-diagnostics/1',
    createdAt: new Date(inputs.now()).toISOString(),
    versions: { ...inputs.versions },
    policy: {
      sources: inputs.policy.sources.map((s) => ({ scope: s.scope, source: clip(s.source, 500) })),
      ...(inputs.policy.error
        ? {
            error: {
              source: clip(inputs.policy.error.source, 500),
              key: clip(inputs.policy.error.key, 200),
              message: clip(inputs.policy.error.message, 1000),
            },
          }
        : {}),
    },
    profile: inputs.profile ? profileSummary(inputs.profile) : null,
    session,
    checks: await checks(inputs),
    log: {
      ...(inputs.logFile ? { file: inputs.logFile } : {}),
      lines: inputs.logFile ? readLogTail(inputs.logFile, inputs.logLines ?? DEFAULT_LOG_LINES) : [],
    },
  };
  return DiagnosticsBundleSchema.parse(bundle);
}

/** The last `maxLines` lines of a log file (reads at most 1 MiB from its end), redacted again. */
export function readLogTail(file: string, maxLines: number): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, 1024 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    // The first line of a partial read may be cut in half; drop it unless the whole file fit.
    if (length < size) lines.shift();
    return lines.slice(-maxLines).map((line) => clip(line, 4000));
  } catch (error) {
    return [`(the log could not be read: ${(error as NodeJS.ErrnoException).code ?? 'error'})`];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeDiagnostics(file: string, bundle: DiagnosticsBundle): void {
  const checked = DiagnosticsBundleSchema.parse(bundle);
  writePrivateFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`);
}
