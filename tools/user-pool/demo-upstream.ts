/**
 * The demo world's corporate identity provider: "Example Corp SSO", an upstream OIDC provider
 * (upstream-idp.ts) the demo pool federates as `ExampleCorpSSO`. Its one user is dana (password
 * below, shown on its sign-in page in demo mode); her federated user is in the demo pool's `admin`
 * group (demo-pool.ts), as an admin would put her there with AdminAddUserToGroup.
 */
import { IDP_RESPONSE_PATH } from './federation';
import { startUpstreamIdp, type RunningUpstreamIdp, type UpstreamUser } from './upstream-idp';

/** Default port of the demo upstream (pool 9229, demo API 9230). */
export const DEMO_UPSTREAM_PORT = 9231;
export const DEMO_IDP_NAME = 'ExampleCorpSSO';
export const DEMO_IDP_TITLE = 'Example Corp SSO';
/** The pool's client at the upstream (a demo secret, like the demo passwords). */
export const DEMO_IDP_CLIENT = {
  clientId: 'local-user-pool',
  clientSecret: 'demo-federation-secret-1',
} as const;

export const DEMO_SSO_USER: UpstreamUser = {
  sub: '5b2f7c1e-8d4a-4e3b-9f60-1c2d3e4f5a6b',
  username: 'dana',
  password: 'Dana-sso-1!',
  email: 'dana@corp.example',
  emailVerified: true,
  name: 'Dana Example',
};

/** dana's user in the pool: `<ProviderName>_<upstream sub>`. */
export const DEMO_SSO_POOL_USERNAME = `${DEMO_IDP_NAME}_${DEMO_SSO_USER.sub}`;

export function startDemoUpstream(
  options: { port?: number; log?: (line: string) => void; users?: UpstreamUser[] } = {},
): Promise<RunningUpstreamIdp> {
  return startUpstreamIdp({
    title: DEMO_IDP_TITLE,
    users: options.users ?? [DEMO_SSO_USER],
    clients: [{ ...DEMO_IDP_CLIENT, redirectUris: [`http://127.0.0.1${IDP_RESPONSE_PATH}`] }],
    port: options.port ?? 0,
    demoMode: true,
    ...(options.log ? { log: options.log } : {}),
  });
}
