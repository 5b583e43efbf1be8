import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AppError } from '../../src/shared/errors';
import type { StartDemoApiOptions } from './types';
import { readFileSync } from 'node:fs';
import { demoPoolDefinition } from '../user-pool/demo-pool';
import type { IamDefinition } from '../user-pool/iam';

/** The IAM part of a pool definition file (or of the demo pool): region, pool id, roles, admin keys. */
function loadIamDefinition(file: string | undefined): IamDefinition {
  let raw: unknown = demoPoolDefinition;
  if (file !== undefined) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new AppError('CONFIG_INVALID', '--pool-config is not a readable JSON file');
    }
  }
  const d = raw as Partial<IamDefinition>;
  if (typeof d.region !== 'string' || typeof d.userPoolId !== 'string') {
    throw new AppError('CONFIG_INVALID', '--pool-config has no region and userPoolId');
  }
  return {
    region: d.region,
    userPoolId: d.userPoolId,
    ...(Array.isArray(d.iamRoles) ? { iamRoles: d.iamRoles } : {}),
    ...(d.adminCredentials ? { adminCredentials: d.adminCredentials } : {}),
  };
}

export const USAGE = `Usage:
  npm run demo-api -- --issuer URL --client-id ID [--jwks-uri URL] [--port N] [--db-path FILE]
  npm run demo-api -- --pool-json '<ready line of npm run user-pool>' [--client-id ID] [--port N]
  npm run demo-api -- --region REGION --user-pool-id POOL_ID --client-id ID [--port N]   (real Cognito)
Options: --notes-scope SCOPE (require this scope on /notes), --token-cache-size N (0 disables),
  --authorizer api-gateway (behave like API Gateway with a Cognito user-pool authorizer: ID tokens only),
  --authorizer iam [--pool-config FILE] (API Gateway AWS_IAM: SigV4 by the pool's identity-pool credentials;
    the pool definition file, default the demo pool's, gives the roles).`;

// The user pool's ready line: only the fields needed here are read, the rest is ignored.
const poolReadyLine = z.object({
  issuer: z.string().url(),
  jwksUri: z.string().url().optional(),
  clientId: z.string().optional(),
  clients: z.array(z.union([z.string(), z.object({ clientId: z.string() })])).optional(),
});

function int(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AppError('CONFIG_INVALID', `--${name} must be an integer in ${min}..${max}`);
  }
  return n;
}

/** argv (without node and script) -> options for startDemoApi; bad input is a CONFIG_INVALID AppError. */
export function parseCliOptions(argv: string[]): Omit<StartDemoApiOptions, 'log'> | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        issuer: { type: 'string' },
        'client-id': { type: 'string' },
        'jwks-uri': { type: 'string' },
        port: { type: 'string' },
        'pool-json': { type: 'string' },
        region: { type: 'string' },
        'user-pool-id': { type: 'string' },
        'db-path': { type: 'string' },
        'notes-scope': { type: 'string' },
        'token-cache-size': { type: 'string' },
        authorizer: { type: 'string' },
        'pool-config': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new AppError('CONFIG_INVALID', err instanceof Error ? err.message : 'invalid arguments');
  }
  if (values.help) return 'help';

  let issuer = values.issuer;
  let jwksUri = values['jwks-uri'];
  let clientId = values['client-id'];
  if (values['pool-json'] !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(values['pool-json']);
    } catch {
      throw new AppError('CONFIG_INVALID', '--pool-json is not valid JSON');
    }
    const pool = poolReadyLine.safeParse(raw);
    if (!pool.success) throw new AppError('CONFIG_INVALID', '--pool-json has no valid "issuer"');
    issuer ??= pool.data.issuer;
    jwksUri ??= pool.data.jwksUri;
    const first = pool.data.clients?.[0];
    clientId ??= pool.data.clientId ?? (typeof first === 'string' ? first : first?.clientId);
  }
  if (!clientId) throw new AppError('CONFIG_INVALID', '--client-id is required');
  const cognito = values['user-pool-id'] !== undefined;
  if (!cognito && !issuer)
    throw new AppError('CONFIG_INVALID', '--issuer, --pool-json or --user-pool-id is required');
  if (cognito && (issuer || jwksUri)) {
    throw new AppError(
      'CONFIG_INVALID',
      '--user-pool-id derives issuer and JWKS itself; drop --issuer/--jwks-uri',
    );
  }
  const authorizer = values.authorizer;
  if (
    authorizer !== undefined &&
    authorizer !== 'bearer' &&
    authorizer !== 'api-gateway' &&
    authorizer !== 'iam'
  ) {
    throw new AppError('CONFIG_INVALID', '--authorizer must be bearer, api-gateway or iam');
  }
  if (values['pool-config'] !== undefined && authorizer !== 'iam') {
    throw new AppError('CONFIG_INVALID', '--pool-config is for --authorizer iam');
  }
  const iam = authorizer === 'iam' ? loadIamDefinition(values['pool-config']) : undefined;
  const port = int('port', values.port, 0, 65535);
  const cacheSize = int('token-cache-size', values['token-cache-size'], 0, 1_000_000);
  return {
    clientId,
    ...(cognito ? { userPoolId: values['user-pool-id'] } : { issuer }),
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(jwksUri !== undefined ? { jwksUri } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(cacheSize !== undefined ? { tokenCacheSize: cacheSize } : {}),
    ...(values['db-path'] !== undefined ? { dbPath: values['db-path'] } : {}),
    ...(values['notes-scope'] !== undefined ? { notesScope: values['notes-scope'] } : {}),
    ...(authorizer !== undefined ? { authorizer } : {}),
    ...(iam ? { iam } : {}),
  };
}
