import { checkIdentityPool, type SignedInContext } from './identity-pool-checks';
import { createServer } from 'node:net';
import type { ResolvedProfile } from '../config/profile';
import { createNodeTransport } from '../net/node-transport';
import type { NetTransport, ProxySetting } from '../net/transport';
import {
  checkApi,
  checkDiscovery,
  checkJwks,
  checkRedirectUri,
  checkSignOutUrl,
  type CheckResult,
} from './checks';

/**
 * Every doctor check for one profile, in checklist order, shared by `npm run doctor`
 * (tools/doctor.ts, through a Node transport it makes and closes) and the packaged app's
 * "Export diagnostics..." (through the app's own transport, which stays open). Never throws
 * for a failing check: a failure is a line with a fix.
 *
 * Beyond the HTTP checks, each loopback redirect URI's port is tried for a moment: a port
 * another program holds is the usual reason a sign-in "cannot listen for the redirect".
 */
export interface DoctorNetworkOptions {
  /** --proxy URL: check through this proxy (overrides the profile's network.proxy). */
  proxy?: string;
  /** --no-proxy a,b: bypass list for --proxy. */
  bypass?: string[];
  /** --ca-file FILE: extra trusted roots (the app uses the OS store; Node cannot). */
  caFile?: string;
}

/**
 * The Node transport a profile's checks use outside the app: --proxy, else the profile's pinned
 * proxy, else direct ("system" proxy settings are not visible to Node; the app itself uses them).
 */
export function doctorTransport(profile: ResolvedProfile, network: DoctorNetworkOptions = {}): NetTransport {
  const proxy: ProxySetting = network.proxy
    ? { url: network.proxy, bypass: network.bypass ?? [] }
    : profile.network.proxy;
  return createNodeTransport({
    proxy,
    ...(network.caFile === undefined ? {} : { caFile: network.caFile }),
  });
}

/** Can this process bind the redirect URI's port right now? Released again at once. */
export async function checkRedirectPort(redirectUri: string): Promise<CheckResult> {
  const url = new URL(redirectUri);
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port);
  const id = `redirect-port:${url.host}`;
  const title = `Redirect port ${url.port} free on ${url.hostname}`;
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => resolve());
    });
    return { id, title, status: 'pass', detail: `${url.host} could be bound` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return {
      id,
      title,
      // One busy port is survivable when the profile registers others; the sign-in tries each.
      status: 'warn',
      detail: `${url.host} is not available (${code})`,
      fix:
        code === 'EADDRINUSE'
          ? `Another program listens on port ${url.port}: close it, or register another loopback redirect URI (and add it to the app client's callback URLs).`
          : `Binding ${url.host} failed (${code}): check the host in the redirect URI.`,
    };
  } finally {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Every check for one profile through a transport the caller owns (not closed here). */
export async function runProfileChecksWith(
  profile: ResolvedProfile,
  transport: NetTransport,
  /** The app's diagnostics while signed in: the identity pool is checked with the current ID token. */
  signedIn?: SignedInContext,
): Promise<CheckResult[]> {
  const via = (result: CheckResult, url: string): CheckResult => ({
    ...result,
    network: transport.describe(url),
  });
  const results: CheckResult[] = [];
  const discovery = await checkDiscovery(profile, transport);
  results.push(...discovery.results.map((r) => via(r, profile.issuer)));
  const jwksUri = discovery.jwksUri ?? `${profile.issuer}/.well-known/jwks.json`;
  results.push(via(await checkJwks(profile, transport, discovery.jwksUri), jwksUri));
  const redirectUris = [
    ...profile.redirect.loopback,
    ...(profile.redirect.customScheme ? [profile.redirect.customScheme] : []),
  ];
  for (const uri of redirectUris) {
    results.push(via(await checkRedirectUri(profile, transport, uri), profile.domain));
  }
  for (const uri of profile.redirect.loopback) results.push(await checkRedirectPort(uri));
  const signOut = await checkSignOutUrl(profile, transport);
  results.push(signOut.status === 'skip' ? signOut : via(signOut, profile.domain));
  for (const api of profile.apis) results.push(via(await checkApi(api, transport), api.baseUrl));
  results.push(...(await checkIdentityPool(profile, transport, signedIn)));
  return results;
}

/** Every check for one profile through a Node transport made for it (the CLI and tests). */
export async function runProfileChecks(
  profile: ResolvedProfile,
  network: DoctorNetworkOptions = {},
): Promise<CheckResult[]> {
  const transport = doctorTransport(profile, network);
  try {
    return await runProfileChecksWith(profile, transport);
  } finally {
    await transport.close();
  }
}
