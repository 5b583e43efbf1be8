/**
 * `npm run doctor -- [--profile NAME|FILE] [--proxy URL [--no-proxy a,b]] [--ca-file FILE] [--json]`:
 * checks, in plain Node, that a profile can
 * work before anyone tries to sign in with it (discovery and issuer, JWKS, Hosted UI client and
 * every redirect URI and sign-out URL, API origins, keychain). Prints a checklist with a fix for
 * each failure; exits 1 when any check fails, 2 when no usable profile was given.
 */
import path from 'node:path';
import { isAppError } from '../src/shared/errors';
import { resolveDoctorProfiles } from './doctor/resolve-profiles';
import { formatReport, runDoctor } from './doctor/run-doctor';

const argv = process.argv.slice(2);
const json = argv.includes('--json');

if (argv.includes('--help') || argv.includes('-h')) {
  console.log(
    'Usage: npm run doctor -- [--profile NAME|FILE] [--proxy URL [--no-proxy host,.suffix]] [--ca-file FILE] [--json]',
  );
  process.exit(0);
}

/** The value after a flag (`--flag value` or `--flag=value`). */
function flag(name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = argv[i] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
}
const proxy = flag('--proxy');
const noProxy = flag('--no-proxy');
const caFile = flag('--ca-file');

try {
  const profiles = resolveDoctorProfiles({
    argv,
    env: process.env,
    orgFile: path.resolve(import.meta.dirname, '..', 'assets', 'profiles', 'organisation.json'),
  });
  const report = await runDoctor(profiles, {
    network: {
      ...(proxy === undefined ? {} : { proxy }),
      ...(noProxy === undefined ? {} : { bypass: noProxy.split(',').filter(Boolean) }),
      ...(caFile === undefined ? {} : { caFile: path.resolve(caFile) }),
    },
  });
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  const message = isAppError(error) ? error.message : error instanceof Error ? error.message : String(error);
  if (json) console.log(JSON.stringify({ ok: false, error: message }));
  else console.error(`doctor: ${message}`);
  process.exit(2);
}
