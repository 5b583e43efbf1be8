import type { ResolvedProfile } from '../../src/main/config/profile';
import type { CheckResult } from '../../src/main/doctor/checks';
import { checkKeychain, type KeychainLike } from '../../src/main/doctor/keychain-check';
import { runProfileChecks, type DoctorNetworkOptions } from '../../src/main/doctor/profile-checks';

/**
 * `npm run doctor`'s report over every profile asked for plus the keychain, and its text form.
 * The checks themselves live in src/main/doctor (the packaged app runs the same code for
 * "Export diagnostics...").
 */
export {
  doctorTransport,
  runProfileChecks,
  type DoctorNetworkOptions,
} from '../../src/main/doctor/profile-checks';

export interface DoctorOptions {
  /** Injected in tests to simulate a missing keychain; default loads keytar. */
  loadKeychain?: () => Promise<KeychainLike>;
  network?: DoctorNetworkOptions;
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
