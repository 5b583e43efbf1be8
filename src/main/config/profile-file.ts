import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { describeJsonError } from '../../shared/json-position';
import { redact } from '../../shared/redact';
import { ProfileSchema, packagedProfileProblem, parseProfile, type ResolvedProfile } from './profile';

/**
 * Reading one profile file. A file holds either one profile object or
 * `{ "profiles": [ ... ], "defaultProfileId"?: "..." }`.
 *
 * A file is all-or-nothing: one bad field rejects the whole file, so the app never signs in
 * against a profile that is half valid. The error names the file and the field path (e.g.
 * `profiles[1].redirect.loopback[0]`), never a value: a profile may hold a client secret.
 *
 * `rules.packaged` applies the packaged-mode rule (profile.ts, packagedProfileProblem): in an
 * installed app a demo or loopback-http profile rejects its file like any other bad field.
 */
export interface ProfileFileRules {
  /** Set in a packaged app; `allowLoopback` only when the organisation's policy says so. */
  packaged?: { allowLoopback: boolean };
}

export const MAX_PROFILE_FILE_BYTES = 256 * 1024;

const ProfileFileSchema = z
  .object({
    profiles: z.array(z.unknown()).min(1).max(50),
    defaultProfileId: z.string().max(64).optional(),
  })
  .strict();

export interface ProfileFileContents {
  file: string;
  profiles: ResolvedProfile[];
  defaultProfileId?: string;
  warnings: string[];
}

/** A profile file that could not be used, with the file and the first bad field. */
export class ProfileFileError extends AppError {
  readonly file: string;
  readonly field: string;
  readonly detail: string;

  constructor(file: string, field: string, detail: string) {
    super('CONFIG_INVALID', `Profile file ${file}: ${field ? `field ${field}: ` : ''}${redact(detail)}`);
    this.name = 'ProfileFileError';
    this.file = file;
    this.field = field;
    this.detail = redact(detail);
  }
}

/** `['profiles', 1, 'redirect', 'loopback', 0]` -> `profiles[1].redirect.loopback[0]` */
export function formatFieldPath(parts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function firstIssue(
  error: z.ZodError,
  prefix: ReadonlyArray<PropertyKey>,
): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: formatFieldPath(prefix), message: 'invalid' };
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field(s) ${issue.keys.join(', ')}`;
  }
  return { field: formatFieldPath([...prefix, ...issue.path]) || '(top level)', message };
}

/** Validates already-parsed JSON as the contents of `file`. Throws ProfileFileError. */
export function parseProfileFileJson(
  file: string,
  json: unknown,
  rules: ProfileFileRules = {},
): ProfileFileContents {
  let entries: unknown[];
  let prefix: (i: number) => PropertyKey[];
  let defaultProfileId: string | undefined;
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && 'profiles' in json) {
    const wrapper = ProfileFileSchema.safeParse(json);
    if (!wrapper.success) {
      const { field, message } = firstIssue(wrapper.error, []);
      throw new ProfileFileError(file, field, message);
    }
    entries = wrapper.data.profiles;
    defaultProfileId = wrapper.data.defaultProfileId;
    prefix = (i) => ['profiles', i];
  } else if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    entries = [json];
    prefix = () => [];
  } else {
    throw new ProfileFileError(file, '', 'expected a profile object or { "profiles": [ ... ] }');
  }

  const profiles: ResolvedProfile[] = [];
  const warnings: string[] = [];
  entries.forEach((entry, i) => {
    const checked = ProfileSchema.safeParse(entry);
    if (!checked.success) {
      const { field, message } = firstIssue(checked.error, prefix(i));
      throw new ProfileFileError(file, field, message);
    }
    const parsed = parseProfile(entry);
    const refused = rules.packaged ? packagedProfileProblem(parsed.profile, rules.packaged) : undefined;
    if (refused) {
      throw new ProfileFileError(file, formatFieldPath([...prefix(i), ...refused.path]), refused.message);
    }
    if (profiles.some((p) => p.id === parsed.profile.id)) {
      throw new ProfileFileError(
        file,
        formatFieldPath([...prefix(i), 'id']),
        `duplicate id ${parsed.profile.id}`,
      );
    }
    profiles.push(parsed.profile);
    warnings.push(...parsed.warnings);
  });
  if (defaultProfileId !== undefined && !profiles.some((p) => p.id === defaultProfileId)) {
    throw new ProfileFileError(
      file,
      'defaultProfileId',
      `no profile in this file has id ${defaultProfileId}`,
    );
  }
  return { file, profiles, warnings, ...(defaultProfileId === undefined ? {} : { defaultProfileId }) };
}

/** Reads and validates a profile file. Throws ProfileFileError (also for unreadable files and bad JSON). */
export function readProfileFile(file: string, rules: ProfileFileRules = {}): ProfileFileContents {
  let text: string;
  try {
    const buffer = readFileSync(file);
    if (buffer.length > MAX_PROFILE_FILE_BYTES) {
      throw new ProfileFileError(file, '', `file is larger than ${MAX_PROFILE_FILE_BYTES} bytes`);
    }
    text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof ProfileFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ProfileFileError(file, '', `cannot be read (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse messages quote a bit of the text: the line and column only.
    throw new ProfileFileError(file, '', `is not valid JSON (at ${describeJsonError(text)})`);
  }
  return parseProfileFileJson(file, json, rules);
}
