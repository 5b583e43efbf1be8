import { parseProfile, type ProfileInput } from '../../src/main/config/profile';

/**
 * The profile `npm start` writes for a demo run: the local user pool's demo client with the
 * redirect and sign-out URLs the demo pool registers, the demo API, and (with the IAM-mode demo
 * API) the demo identity pool, the user-pool API for the Admin page and the SigV4 API `iam`
 * (docs/aws.md). Validated with the app's
 * own schema before it is written, so a change on either side fails here, not in the app.
 */
export const DEMO_CLIENT_ID = 'localdemo0desktop0client01';
export const DEMO_REDIRECTS = [
  'http://127.0.0.1:53682/callback',
  'http://127.0.0.1:53683/callback',
  'http://localhost:53684/callback',
];
export const DEMO_SIGN_OUT_URL = 'http://127.0.0.1:53682/signed-out';
export const DEMO_CUSTOM_SCHEME_REDIRECT = 'com.example.cognitodesktop:/callback';

export interface PoolReady {
  domain: string;
  issuer: string;
  region: string;
  userPoolId: string;
  /** The ready line's user-pool API and identity-pool endpoints (absent on an older pool). */
  idpApiEndpoint?: string | undefined;
  identityApiEndpoint?: string | undefined;
}

/** The demo world's AWS side: the IAM-mode demo API and the demo identity pool's id. */
export interface DemoAws {
  iamApiBaseUrl: string;
  identityPoolId: string;
}

export function demoProfile(pool: PoolReady, apiBaseUrl: string, demoAws?: DemoAws): ProfileInput {
  const iamApiBaseUrl = demoAws?.iamApiBaseUrl;
  const aws =
    demoAws && pool.identityApiEndpoint && pool.idpApiEndpoint
      ? {
          identityPool: { id: demoAws.identityPoolId, endpoint: pool.identityApiEndpoint },
          userPoolEndpoint: pool.idpApiEndpoint,
        }
      : undefined;
  const profile: ProfileInput = {
    id: 'local-demo',
    label: 'Local demo user pool',
    region: pool.region,
    userPoolId: pool.userPoolId,
    clientId: DEMO_CLIENT_ID,
    domain: pool.domain,
    issuer: pool.issuer,
    scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    redirect: { loopback: DEMO_REDIRECTS, customScheme: DEMO_CUSTOM_SCHEME_REDIRECT, prefer: 'loopback' },
    signOutUrl: DEMO_SIGN_OUT_URL,
    apis: [
      { name: 'demo', baseUrl: apiBaseUrl },
      ...(aws ? [{ name: 'iam', baseUrl: iamApiBaseUrl as string, auth: { type: 'sigv4' as const } }] : []),
    ],
    ...(aws ?? {}),
    demo: true,
    // The demo client's refresh token validity (demo-pool.ts, 30 days): Home shows when the session ends.
    sessionLifetime: '30d',
    // The demo pool federates Example Corp SSO (tools/user-pool/demo-upstream.ts): two buttons.
    signInOptions: [
      { label: 'Sign in with Example Corp SSO', identityProvider: 'ExampleCorpSSO' },
      { label: 'Sign in with email and password', identityProvider: 'COGNITO' },
    ],
  };
  parseProfile(profile);
  return profile;
}

/** Reads the user pool CLI's ready line; missing fields fall back to the demo pool's constants. */
export function poolReadyFrom(line: Record<string, unknown>): PoolReady | undefined {
  const str = (key: string) => (typeof line[key] === 'string' ? (line[key] as string) : undefined);
  const issuer = str('issuer');
  if (!issuer) return undefined;
  const userPoolId = str('userPoolId') ?? new URL(issuer).pathname.replace(/^\//, '');
  const domain = str('domain') ?? str('url') ?? new URL(issuer).origin;
  return {
    issuer,
    domain,
    userPoolId,
    region: str('region') ?? userPoolId.split('_')[0] ?? 'us-east-1',
    idpApiEndpoint: str('idpApiEndpoint'),
    identityApiEndpoint: str('identityApiEndpoint'),
  };
}
