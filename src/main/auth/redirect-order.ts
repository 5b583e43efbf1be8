import type { ResolvedProfile } from '../config/profile';

/**
 * The order the loopback listener tries the profile's registered redirect URIs in. Normally the
 * profile's own order; with `redirect.prefer: "localhost"` the `http://localhost:PORT/...` URIs
 * come first (stable otherwise), because an AWS WAF web ACL in front of the pool may answer 403
 * to `redirect_uri=http://127.0.0.1...` (docs/session.md, "Redirects"). What is bound does not
 * change: loopback addresses only, never a wildcard.
 */
export function loopbackRedirectOrder(profile: Pick<ResolvedProfile, 'redirect'>): string[] {
  const uris = profile.redirect.loopback;
  if (profile.redirect.prefer !== 'localhost') return [...uris];
  const isLocalhost = (uri: string) => new URL(uri).hostname === 'localhost';
  return [...uris.filter(isLocalhost), ...uris.filter((uri) => !isLocalhost(uri))];
}
