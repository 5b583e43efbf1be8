import { redact, redactValue } from '../../shared/redact';

/**
 * The main process's logger. Every line, message and field alike, passes the one redaction
 * layer (src/shared/redact.ts) before it reaches a sink, so no caller can leak a token by
 * logging an object or an error.
 *
 *   const log = createLogger({ sink: (line) => process.stderr.write(line + '\n'), level: 'info' });
 *   log.info('refresh ok', { expiresIn: 3600 });
 *
 * A sink receives finished, redacted lines; the shell adds a file sink (mode 0600) separately.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogSink = (line: string, level: LogLevel) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines carry a `[scope]` prefix. */
  child(scope: string): Logger;
}

export interface LoggerOptions {
  sink: LogSink;
  level?: LogLevel;
  /** For tests: fixed timestamps. */
  now?: () => number;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function formatLine(
  time: number,
  level: LogLevel,
  scope: string | undefined,
  message: string,
  fields?: Record<string, unknown>,
): string {
  let text = `${new Date(time).toISOString()} ${level.toUpperCase()}${scope ? ` [${scope}]` : ''} ${message}`;
  if (fields && Object.keys(fields).length > 0) {
    let json: string;
    try {
      json = JSON.stringify(redactValue(fields));
    } catch {
      json = '{"fields":"[unserialisable]"}';
    }
    text += ` ${json}`;
  }
  // Redact the whole line last: a message built by string interpolation gets the same treatment.
  return redact(text);
}

/** True when a line of `level` passes a `min` threshold (the shell's sink filters by policy). */
export function levelEnabled(level: LogLevel, min: LogLevel): boolean {
  return RANK[level] >= RANK[min];
}

export function createLogger(options: LoggerOptions, scope?: string): Logger {
  const min = RANK[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return;
    try {
      options.sink(formatLine(now(), level, scope, message, fields), level);
    } catch {
      // A failing sink must never break sign-in or refresh.
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (child) => createLogger(options, scope ? `${scope}:${child}` : child),
  };
}

/** A logger that drops everything (the default when none is injected). */
export const silentLogger: Logger = createLogger({ sink: () => undefined, level: 'error' });
