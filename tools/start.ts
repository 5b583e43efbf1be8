/**
 * `npm start [-- --profile FILE|NAME] [--pool-port N] [--api-port N] [--iam-api-port N] [--demo-db FILE] [--skip-build]`
 *
 * With no profile configured (no --profile, no COGNITO_DESKTOP_PROFILE, no user profile file),
 * starts the local user pool (demo mode) and the demo API, writes a temporary demo profile, and
 * launches the app on it; both tools stop when the app quits. With a profile, launches at once.
 * Builds first when out/ is missing or older than the sources. Without an Electron binary, says so
 * in one sentence and exits 1 before starting anything.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultUserDataDir } from '../src/main/config/app-paths';
import { PROFILE_ENV_VAR, PROFILE_FILE_NAME } from '../src/main/config/profile-sources';
import { buildIsStale } from './start/build-freshness';
import { startTool, stopTool, type StartedTool } from './start/child-process';
import { demoProfile, poolReadyFrom } from './start/demo-profile';
import { findElectronBinary, missingBinarySentence } from './start/electron-binary';

const root = path.resolve(import.meta.dirname, '..');
const tsxCli = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    profile: { type: 'string' },
    'pool-port': { type: 'string', default: '9229' },
    'api-port': { type: 'string', default: '9230' },
    'iam-api-port': { type: 'string', default: '9232' },
    'demo-db': { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
  },
});

const electron = findElectronBinary();
if ('missing' in electron) {
  console.error(missingBinarySentence(electron.missing));
  process.exit(1);
}

if (!values['skip-build'] && buildIsStale(root)) {
  console.log('Building the app (electron-vite build)...');
  const build = spawn(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const code = await new Promise<number>((resolve) => build.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) {
    console.error('The build failed; fix the errors above and run npm start again.');
    process.exit(code);
  }
}

const explicitProfile = values.profile ?? process.env[PROFILE_ENV_VAR];
const userProfileFile = path.join(defaultUserDataDir(), PROFILE_FILE_NAME);
const profileConfigured = explicitProfile !== undefined || existsSync(userProfileFile);

const tools: StartedTool[] = [];
let tempDir: string | undefined;
let stopping: Promise<void> | undefined;
const cleanUp = () =>
  (stopping ??= (async () => {
    await Promise.all(tools.map((tool) => stopTool(tool)));
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  })());

const env: NodeJS.ProcessEnv = { ...process.env };
// Electron must run as Electron, whatever the calling shell had set.
delete env['ELECTRON_RUN_AS_NODE'];

try {
  if (explicitProfile !== undefined) {
    env[PROFILE_ENV_VAR] = explicitProfile;
    console.log(`Launching the app with profile ${explicitProfile}.`);
  } else if (profileConfigured) {
    console.log(`Launching the app with the profiles in ${userProfileFile}.`);
  } else {
    console.log('No profile configured: starting the local demo user pool and the demo API.');
    const pool = await startTool(
      'user-pool',
      process.execPath,
      [tsxCli, 'tools/user-pool/cli.ts', '--port', values['pool-port']],
      (json) => poolReadyFrom(json) !== undefined,
      { cwd: root },
    );
    tools.push(pool);
    const poolReady = poolReadyFrom(pool.ready)!;
    const api = await startTool(
      'demo-api',
      process.execPath,
      [
        tsxCli,
        'tools/demo-api/cli.ts',
        '--pool-json',
        JSON.stringify(pool.ready),
        '--client-id',
        'localdemo0desktop0client01',
        '--port',
        values['api-port'],
        ...(values['demo-db'] ? ['--db-path', values['demo-db']] : []),
      ],
      (json) => json['event'] === 'ready' && typeof json['url'] === 'string',
      { cwd: root },
    );
    tools.push(api);
    // The same demo API in IAM mode (API Gateway AWS_IAM): SigV4 by the demo identity pool's
    // credentials, verified with the demo pool's own IAM definition (docs/aws.md).
    const iamApi = await startTool(
      'demo-api-iam',
      process.execPath,
      [
        tsxCli,
        'tools/demo-api/cli.ts',
        '--authorizer',
        'iam',
        '--client-id',
        'localdemo0desktop0client01',
        '--pool-json',
        JSON.stringify(pool.ready),
        '--port',
        values['iam-api-port'],
        ...(values['demo-db'] ? ['--db-path', `${values['demo-db']}.iam`] : []),
      ],
      (json) => json['event'] === 'ready' && typeof json['url'] === 'string',
      { cwd: root },
    );
    tools.push(iamApi);
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'cognito-desktop-demo-'));
    const profileFile = path.join(tempDir, 'demo-profile.json');
    writeFileSync(
      profileFile,
      JSON.stringify(
        demoProfile(poolReady, api.ready['url'] as string, {
          iamApiBaseUrl: iamApi.ready['url'] as string,
          // Loaded here only: the pool's modules load oidc-provider, which warns on Node 20.
          identityPoolId: (await import('./user-pool/demo-pool')).DEMO_IDENTITY_POOL_ID,
        }),
        null,
        2,
      ),
      {
        mode: 0o600,
      },
    );
    env[PROFILE_ENV_VAR] = profileFile;
    console.log(
      `Demo user pool at ${poolReady.domain}; demo API at ${String(api.ready['url'])}, in IAM mode at ${String(iamApi.ready['url'])}.`,
    );
    console.log('Sign in as alice / Alice-demo-1! (group admin) or bob / Bob-demo-1!,');
    console.log('or with Example Corp SSO as dana / Dana-sso-1! (group admin).');
  }

  const app = spawn(electron.path, [root], { cwd: root, env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => app.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    app.once('error', (error) => {
      console.error(`The app could not be launched: ${error.message}`);
      resolve(1);
    });
    app.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  await cleanUp();
  process.exit(code);
} catch (error) {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await cleanUp();
  process.exit(1);
}
