import { app } from 'electron';
import { createFileSink, type FileSink } from './file-sink';
import { createLogger, levelEnabled, type LogLevel, type Logger } from './logger';

/**
 * Electron glue: main's logger, writing to `<logs>/main.log` (and the console in development).
 * The threshold starts at debug (development) or info, and becomes the organisation policy's
 * `logLevel` once the policy has been read (`setLevel`). A log file that cannot be opened is
 * reported on stderr and the app runs without one.
 */
export interface MainLog {
  logger: Logger;
  sink: FileSink | undefined;
  setLevel(level: LogLevel): void;
}

export function createMainLog(isDevelopment: boolean): MainLog {
  const threshold: { level: LogLevel } = { level: isDevelopment ? 'debug' : 'info' };
  let sink: FileSink | undefined;
  try {
    app.setAppLogsPath();
    sink = createFileSink({ dir: app.getPath('logs'), fileName: 'main.log' });
  } catch (error) {
    console.error(`log file unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const logger = createLogger({
    level: 'debug',
    sink: (line, level) => {
      if (!levelEnabled(level, threshold.level)) return;
      sink?.write(line);
      if (isDevelopment) (level === 'error' || level === 'warn' ? console.error : console.log)(line);
    },
  });
  return {
    logger,
    sink,
    setLevel: (level) => {
      threshold.level = level;
    },
  };
}
