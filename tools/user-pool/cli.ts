/**
 * `npm run user-pool -- [--port N] [--config FILE] [--rate-limit RPS]`: the local Cognito user pool
 * as a process. `--rate-limit` sets the UserAuthentication quota (requests per second), overriding
 * the definition's `rateLimits.userAuthentication`. Without --config (the demo pool) it also starts
 * the demo corporate IdP "Example Corp SSO" (demo-upstream.ts) on `--idp-port` (default 9231; 0
 * when --port is 0), which the demo pool federates as ExampleCorpSSO.
 * stdout carries exactly one JSON line (the ready event); everything else goes to stderr.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { redact } from '../../src/shared/redact';

// oidc-provider prints notices with console.info: keep stdout for the ready line alone.
console.info = (...args: unknown[]) => console.error(...args);
console.log = (...args: unknown[]) => console.error(...args);

const DEFAULT_PORT = 9229;
const USAGE = 'usage: npm run user-pool -- [--port N] [--config FILE] [--rate-limit RPS] [--idp-port N]';

function fail(message: string, code = 1): never {
  process.stderr.write(`user-pool: ${redact(message)}\n`);
  process.exit(code);
}

function parseCli(): {
  port: number;
  config: string | undefined;
  rateLimit: number | undefined;
  idpPort: string | undefined;
} {
  let values: {
    port?: string | undefined;
    config?: string | undefined;
    'rate-limit'?: string | undefined;
    'idp-port'?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        config: { type: 'string' },
        'rate-limit': { type: 'string' },
        'idp-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(0);
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65535 ||
    (values.port !== undefined && !/^\d+$/.test(values.port))
  ) {
    fail(`--port must be an integer from 0 to 65535 (0 picks a free port)\n${USAGE}`, 2);
  }
  const rawRate = values['rate-limit'];
  const rateLimit = rawRate === undefined ? undefined : Number(rawRate);
  if (
    rawRate !== undefined &&
    (!/^\d+(\.\d+)?$/.test(rawRate) || !(rateLimit !== undefined && rateLimit > 0 && rateLimit <= 100_000))
  ) {
    fail(`--rate-limit must be a number of requests per second above 0 (at most 100000)\n${USAGE}`, 2);
  }
  const idpPort = values['idp-port'];
  if (idpPort !== undefined && !(/^\d+$/.test(idpPort) && Number(idpPort) <= 65535)) {
    fail(`--idp-port must be an integer from 0 to 65535 (0 picks a free port)\n${USAGE}`, 2);
  }
  return { port, config: values.config, rateLimit, idpPort };
}

async function loadDefinition(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    fail(`cannot read --config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    fail(`--config ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

const { port, config, rateLimit, idpPort } = parseCli();
const { startUserPool, parsePoolDefinition, demoPoolDefinition, withUpstreamIssuer } =
  await import('./index');
const { startDemoUpstream, DEMO_IDP_NAME, DEMO_UPSTREAM_PORT, DEMO_SSO_USER } =
  await import('./demo-upstream');
const { DEMO_IDENTITY_POOL_ID } = await import('./demo-pool');

let definition = demoPoolDefinition;
let upstream: Awaited<ReturnType<typeof startDemoUpstream>> | undefined;
if (config === undefined) {
  const upstreamPort = idpPort !== undefined ? Number(idpPort) : port === 0 ? 0 : DEMO_UPSTREAM_PORT;
  try {
    upstream = await startDemoUpstream({
      port: upstreamPort,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(
      code === 'EADDRINUSE'
        ? `port ${upstreamPort} (the demo IdP) is already in use (try --idp-port 0)`
        : (err as Error).message,
    );
  }
  definition = withUpstreamIssuer(definition, DEMO_IDP_NAME, upstream.issuer);
}
if (config !== undefined) {
  try {
    definition = parsePoolDefinition(await loadDefinition(config));
  } catch (err) {
    fail((err as Error).message);
  }
}

if (rateLimit !== undefined) {
  definition = { ...definition, rateLimits: { ...definition.rateLimits, userAuthentication: rateLimit } };
}

let pool: Awaited<ReturnType<typeof startUserPool>>;
try {
  pool = await startUserPool({
    definition,
    port,
    demoMode: config === undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  });
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  fail(code === 'EADDRINUSE' ? `port ${port} is already in use (try --port 0)` : (err as Error).message);
}

process.stdout.write(
  `${JSON.stringify({
    event: 'ready',
    issuer: pool.issuer,
    issuerType: pool.issuerType,
    domain: pool.domain,
    region: pool.region,
    userPoolId: pool.userPoolId,
    jwksUri: pool.jwksUri,
    idpApiEndpoint: pool.idpApiEndpoint,
    identityApiEndpoint: pool.identityApiEndpoint,
    clients: pool.definition.clients.map((c) => ({ clientId: c.clientId })),
    ...(upstream ? { identityProviders: [{ providerName: DEMO_IDP_NAME, issuer: upstream.issuer }] } : {}),
  })}\n`,
);
if (config === undefined) {
  process.stderr.write(
    `user-pool: demo pool; sign in as ${definition.users.map((u) => u.username).join(' or ')} (passwords on the login page), or through ${DEMO_IDP_NAME} as ${DEMO_SSO_USER.username}\n`,
  );
}
process.stderr.write(
  `user-pool: user-pool API (cognito-idp) at ${pool.idpApiEndpoint}, identity pools (cognito-identity) at ${pool.identityApiEndpoint}\n`,
);
if (config === undefined) {
  process.stderr.write(
    `user-pool: identity pool ${DEMO_IDENTITY_POOL_ID}; Logins key ${pool.issuer.replace(/^https?:\/\//, '')}\n`,
  );
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`user-pool: ${signal}, closing\n`);
  await pool.close();
  await upstream?.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
