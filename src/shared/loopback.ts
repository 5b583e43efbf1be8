/**
 * Loopback hosts: where plain http is acceptable (the local user pool, a loopback redirect, a
 * local API). Everything else must be https. One definition for the app and the tools, so the
 * profile schema, the API allowlist, the pool definition and the JWKS fetcher cannot disagree.
 * Takes a URL's `hostname` (IPv6 in brackets, as WHATWG URL gives it) or a bare host.
 */
const LOOPBACK_HOSTNAMES = new Set(['localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (LOOPBACK_HOSTNAMES.has(h)) return true;
  return /^127(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(h);
}
