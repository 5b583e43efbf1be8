/**
 * `npm run demo-api -- ...`: the reference resource server. One JSON ready line on stdout
 * (`{"event":"ready","url":...}`), logs on stderr, clean exit on SIGINT/SIGTERM.
 */
import { isAppError } from '../../src/shared/errors';
import { redact } from '../../src/shared/redact';
import { USAGE, parseCliOptions } from './cli-options';
import { startDemoApi } from './demo-api';

const log = (line: string) => process.stderr.write(redact(line) + '\n');

try {
  const options = parseCliOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const api = await startDemoApi({ ...options, log });
  process.stdout.write(JSON.stringify({ event: 'ready', url: api.url }) + '\n');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(JSON.stringify({ event: 'stopping', signal }));
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  log(JSON.stringify({ event: 'fatal', code: isAppError(err) ? err.code : 'INTERNAL', message }));
  if (isAppError(err) && err.code === 'CONFIG_INVALID') process.stderr.write(USAGE + '\n');
  process.exit(isAppError(err) && err.code === 'CONFIG_INVALID' ? 2 : 1);
}
