import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFileAtomic } from '../config/private-file';
import { AppError } from '../../shared/errors';
import { describeJsonError } from '../../shared/json-position';
import {
  SettingsSchema,
  type Settings,
  type SettingsPatch,
  type SettingsView,
} from '../../shared/ipc-contract';

/**
 * The user's app settings (language, theme), kept by main in the app data folder.
 *
 * Promises:
 * - The file is read once, validated with the contract's strict schema; a missing file means
 *   the defaults.
 * - A bad file (not JSON, unknown key, bad value) never stops the app: the defaults apply, the
 *   problem is reported as a coded error (`SettingsFileError`, code CONFIG_INVALID, naming the
 *   file and field) in `get().problem`, and the file is left as it is. The first change the
 *   user makes copies it aside to `settings.json.invalid-<time>` before writing: nothing they
 *   wrote is lost.
 * - Writes are atomic (temporary file + rename) and happen before `update` resolves; listeners
 *   hear about every change that was written. A failed write rejects and changes nothing.
 * - Without `file` the store lives in memory only (tests, or a shell with no app data folder).
 */
export const SETTINGS_FILE_NAME = 'settings.json';
export const DEFAULT_SETTINGS: Settings = { language: 'system', theme: 'system' };

export class SettingsFileError extends AppError {
  readonly file: string;
  readonly field: string;
  constructor(file: string, field: string, detail: string) {
    super('CONFIG_INVALID', `${path.basename(file)}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'SettingsFileError';
    this.file = file;
    this.field = field;
  }
}

export interface SettingsStore {
  get(): SettingsView;
  update(patch: SettingsPatch): Promise<SettingsView>;
  onChanged(listener: (view: SettingsView) => void): () => void;
}

function readSettingsFile(file: string): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SettingsFileError(
      file,
      '',
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // V8's message quotes the text near the error: the line and column only.
    throw new SettingsFileError(file, '', `not valid JSON (at ${describeJsonError(text)})`);
  }
  const parsed = SettingsSchema.partial().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SettingsFileError(file, issue?.path.map(String).join('.') ?? '', issue?.message ?? 'invalid');
  }
  return { ...DEFAULT_SETTINGS, ...parsed.data };
}

export function createSettingsStore(options: { file?: string; now?: () => number } = {}): SettingsStore {
  const { file } = options;
  const now = options.now ?? Date.now;
  let settings: Settings = { ...DEFAULT_SETTINGS };
  let problem: SettingsFileError | undefined;
  if (file && existsSync(file)) {
    try {
      settings = readSettingsFile(file);
    } catch (error) {
      if (!(error instanceof SettingsFileError)) throw error;
      problem = error;
    }
  }
  const listeners = new Set<(view: SettingsView) => void>();
  const view = (): SettingsView => ({
    settings: { ...settings },
    persisted: file !== undefined,
    ...(problem ? { problem: { code: problem.code, message: problem.message } } : {}),
  });

  const write = (next: Settings) => {
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    if (problem && existsSync(file)) {
      // Keep what the user had, even if we could not read it.
      const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
      copyFileSync(file, `${file}.invalid-${stamp}`);
    }
    writePrivateFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  };

  return {
    get: view,
    async update(patch) {
      // A coded refusal naming the setting, never a raw schema error (the contract checks first;
      // this is the store's own line for any other caller).
      const parsed = SettingsSchema.safeParse({ ...settings, ...patch });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError(
          'IPC_INVALID_ARGUMENT',
          `Setting ${issue?.path.map(String).join('.') || '(unknown)'} has a value this app does not know.`,
        );
      }
      const next = parsed.data;
      if (next.language === settings.language && next.theme === settings.theme && !problem) return view();
      try {
        write(next);
      } catch (error) {
        // Nothing changed in memory; the reason (EACCES, ENOSPC...) is for the details line.
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new AppError(
          'INTERNAL',
          `The settings could not be saved to ${file ? path.basename(file) : 'memory'} (${reason}).`,
        );
      }
      settings = next;
      problem = undefined;
      const current = view();
      for (const listener of [...listeners]) {
        try {
          listener(current);
        } catch {
          // one faulty listener must not stop the others
        }
      }
      return current;
    },
    onChanged(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
