/**
 * The User-Agent every request of the app carries: `CognitoDesktop/<version> (<OS> <version>; <arch>)`,
 * e.g. `CognitoDesktop/0.1.0 (macOS 14.5; arm64)`. Cognito derives a token session's DeviceType from
 * the User-Agent of its last sign-in or refresh (ListUserSessions), so a "Devices and sessions" list
 * can tell this app from a browser. Built from plain facts (no Electron here): the composition root
 * passes the app version and the OS version (Electron's process.getSystemVersion()).
 */
import os from 'node:os';

export const USER_AGENT_PRODUCT = 'CognitoDesktop';

const OS_NAMES: Record<string, string> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

export interface UserAgentFacts {
  appVersion: string;
  /** process.platform */
  platform: string;
  osVersion: string;
  /** process.arch */
  arch: string;
}

/** Characters a header token may carry; anything else (from an odd OS string) becomes `-`. */
function clean(value: string, fallback: string): string {
  const kept = value.trim().replace(/[^\w.+-]/g, '-');
  return kept ? kept.slice(0, 64) : fallback;
}

export function desktopUserAgent(facts: UserAgentFacts): string {
  const osName = OS_NAMES[facts.platform] ?? clean(facts.platform, 'unknown');
  return `${USER_AGENT_PRODUCT}/${clean(facts.appVersion, '0.0.0')} (${osName} ${clean(facts.osVersion, 'unknown')}; ${clean(facts.arch, 'unknown')})`;
}

/** The facts plain Node knows (the kernel release as OS version): for tools and tests. */
export function nodeUserAgentFacts(appVersion: string): UserAgentFacts {
  return { appVersion, platform: process.platform, osVersion: os.release(), arch: process.arch };
}
