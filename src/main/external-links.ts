/**
 * What the app may open in the system browser.
 *
 * `shell.openExternal` hands a URL to the OS, which will run whatever handler the scheme has: an
 * attacker-controlled URL there is code execution on some platforms. So the sign-in engine may open
 * only the active profile's Hosted UI authorize and logout endpoints (any query: they carry the
 * OAuth parameters), and the renderer's links (window.open / target=_blank) only https pages on a
 * short, fixed allowlist. Everything else is refused and logged.
 */
import { AppError } from '../shared/errors';

export interface HostedUiTarget {
  /** Hosted UI base URL of the active profile, without a trailing slash. */
  domain: string;
  /** Managed login 2 (profile `managedLogin: 2`): `/passkeys/add` is admitted too. */
  passkeys?: boolean;
}

/** https origins the renderer may link to (opened in the system browser, never in the app). */
export const LINK_ALLOWLIST: readonly string[] = Object.freeze([
  'https://docs.aws.amazon.com',
  'https://github.com',
]);

function parse(raw: string): URL | undefined {
  if (raw.length > 8192) return undefined;
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** The exact endpoint URLs (no query) a Hosted UI domain serves the browser from. */
export function hostedUiEndpoints(domain: string, options: { passkeys?: boolean } = {}): string[] {
  const base = domain.replace(/\/+$/, '');
  return [
    `${base}/oauth2/authorize`,
    `${base}/logout`,
    ...(options.passkeys ? [`${base}/passkeys/add`] : []),
  ];
}

/** True when `raw` is the active profile's authorize or logout endpoint, with any query. */
export function isHostedUiUrl(raw: string, target: HostedUiTarget | undefined): boolean {
  if (!target) return false;
  const url = parse(raw);
  if (!url || url.username || url.password || url.hash) return false;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const endpoint = `${url.origin}${url.pathname}`;
  return hostedUiEndpoints(target.domain, { passkeys: target.passkeys === true }).some((allowed) => {
    const a = parse(allowed);
    // Compare parsed forms so default ports and case in the host cannot slip past.
    return a !== undefined && `${a.origin}${a.pathname}` === endpoint;
  });
}

/** True for an https link whose origin is on the allowlist. */
export function isAllowedLink(raw: string, allowlist: readonly string[] = LINK_ALLOWLIST): boolean {
  const url = parse(raw);
  if (!url || url.protocol !== 'https:' || url.username || url.password) return false;
  return allowlist.includes(url.origin);
}

export interface ExternalOpener {
  /** Opens a Hosted UI URL of the active profile; rejects anything else without opening it. */
  openHostedUi(url: string): Promise<void>;
  /** Opens an allow-listed https link; returns whether it was opened. */
  openLink(url: string): Promise<boolean>;
}

export interface ExternalOpenerDeps {
  /** Electron's shell.openExternal (or a recorder in tests). */
  openExternal(url: string): Promise<void>;
  activeHostedUi(): HostedUiTarget | undefined;
  log(message: string): void;
  linkAllowlist?: readonly string[];
}

export function createExternalOpener(deps: ExternalOpenerDeps): ExternalOpener {
  return {
    async openHostedUi(url) {
      if (!isHostedUiUrl(url, deps.activeHostedUi())) {
        // The URL itself is not logged: it may carry state/PKCE values or attacker text.
        deps.log('openExternal refused: not the active profile Hosted UI authorize/logout URL');
        throw new AppError(
          'ORIGIN_NOT_ALLOWED',
          'Refused to open a URL that is not the active profile Hosted UI authorize or logout page',
        );
      }
      await deps.openExternal(url);
    },
    async openLink(url) {
      if (!isAllowedLink(url, deps.linkAllowlist)) {
        deps.log('link refused: not an allow-listed https origin');
        return false;
      }
      await deps.openExternal(url);
      return true;
    },
  };
}
