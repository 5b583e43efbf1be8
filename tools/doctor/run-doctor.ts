import type { ResolvedProfile } from '../../src/main/config/profile';
import { createNodeTransport } from '../../src/main/net/node-transport';
import type { NetTransport, ProxySetting } from '../../src/main/net/transport';
import {
  checkApi,
  checkDiscovery,
  checkJwks,
  checkRedirectUri,
  checkSignOutUrl,
  type CheckResult,
} from './checks';
import { checkKeychain, type KeychainLike } from './keychain-check';

export interface DoctorNetworkOptions {
  /** --proxy URL: check through this proxy (overrides the profile's network.proxy). */
  proxy?: string;
  /** --no-proxy a,b: bypass list for --proxy. */
  bypass?: string[];
  /** --ca-file FILE: extra trusted roots (the app uses the OS store; Node cannot). */
  caFile?: string;
}

export interface DoctorOptions {
  /** Injected in tests to simulate a missing keychain; default loads keytar. */
  loadKeychain?: () => Promise<KeychainLike>;
  network?: DoctorNetworkOptions;
}

/**
 * The Node transport a profile's checks use: --proxy, else the profile's pinned proxy, else
 * direct ("system" proxy settings are not visible to Node; the app itself uses them). Every
 * check line says which proxy and trust source it went through.
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

/** Every check for one profile, in checklist order. Never throws for a failing check. */
export async function runProfileChecks(
  profile: ResolvedProfile,
  network: DoctorNetworkOptions = {},
): Promise<CheckResult[]> {
  const transport = doctorTransport(profile, network);
  const via = (result: CheckResult, url: string): CheckResult => ({
    ...result,
    network: transport.describe(url),
  });
  try {
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
    const signOut = await checkSignOutUrl(profile, transport);
    results.push(signOut.status === 'skip' ? signOut : via(signOut, profile.domain));
    for (const api of profile.apis) results.push(via(await checkApi(api, transport), api.baseUrl));
    return results;
  } finally {
    await transport.close();
  }
}

export async function runDoctor(profiles: ResolvedProfile[], options: DoctorOptions = {}) {
  // Only the profile's name goes into the report: a profile may carry a client secret.
  const sections: Array<{ profile: { id: string; label: string; demo: boolean }; results: CheckResult[] }> =
    [];
  for (const profile of profiles) {
    sections.push({
      profile: { id: profile.id, label: profile.label, demo: profile.demo === true },
      results: await runProfileChecks(profile, options.network),
    });
  }
  const keychain = await checkKeychain(options.loadKeychain);
  const failed =
    sections.some((s) => s.results.some((r) => r.status === 'fail')) || keychain.status === 'fail';
  return { sections, keychain, ok: !failed };
}

export type DoctorReport = Awaited<ReturnType<typeof runDoctor>>;

const MARK: Record<CheckResult['status'], string> = {
  pass: '[ok]  ',
  fail: '[FAIL]',
  warn: '[warn]',
  skip: '[skip]',
};

function line(result: CheckResult): string {
  let text = `  ${MARK[result.status]} ${result.title}: ${result.detail}`;
  if (result.network) text += `\n         via: proxy ${result.network.proxy}; trust ${result.network.trust}`;
  if (result.fix && result.status !== 'pass') text += `\n         fix: ${result.fix}`;
  return text;
}

export function formatReport(report: DoctorReport): string {
  const out: string[] = [];
  for (const { profile, results } of report.sections) {
    out.push(`Profile ${profile.id} (${profile.label})${profile.demo ? ' [demo user pool]' : ''}`);
    out.push(...results.map(line));
  }
  out.push('This machine');
  out.push(line(report.keychain));
  const failures =
    report.sections.reduce((n, s) => n + s.results.filter((r) => r.status === 'fail').length, 0) +
    (report.keychain.status === 'fail' ? 1 : 0);
  out.push(failures === 0 ? 'All checks passed.' : `${failures} check(s) failed.`);
  return out.join('\n');
}
