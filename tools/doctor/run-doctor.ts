import type { ResolvedProfile } from '../../src/main/config/profile';
import {
  checkApi,
  checkDiscovery,
  checkJwks,
  checkRedirectUri,
  checkSignOutUrl,
  type CheckResult,
} from './checks';
import { checkKeychain, type KeychainLike } from './keychain-check';

export interface DoctorOptions {
  /** Injected in tests to simulate a missing keychain; default loads keytar. */
  loadKeychain?: () => Promise<KeychainLike>;
}

/** Every check for one profile, in checklist order. Never throws for a failing check. */
export async function runProfileChecks(profile: ResolvedProfile): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const discovery = await checkDiscovery(profile);
  results.push(...discovery.results);
  results.push(await checkJwks(profile, discovery.jwksUri));
  const redirectUris = [
    ...profile.redirect.loopback,
    ...(profile.redirect.customScheme ? [profile.redirect.customScheme] : []),
  ];
  for (const uri of redirectUris) results.push(await checkRedirectUri(profile, uri));
  results.push(await checkSignOutUrl(profile));
  for (const api of profile.apis) results.push(await checkApi(api));
  return results;
}

export async function runDoctor(profiles: ResolvedProfile[], options: DoctorOptions = {}) {
  // Only the profile's name goes into the report: a profile may carry a client secret.
  const sections: Array<{ profile: { id: string; label: string; demo: boolean }; results: CheckResult[] }> =
    [];
  for (const profile of profiles) {
    sections.push({
      profile: { id: profile.id, label: profile.label, demo: profile.demo === true },
      results: await runProfileChecks(profile),
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
