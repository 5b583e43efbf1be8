import { createHash, randomBytes } from 'node:crypto';
import type { ResolvedProfile } from '../config/profile';
import type { NetTransport, RouteDescription } from '../net/transport';
import { issuerFormMismatchMessage, issuerFormOf, otherIssuerForm } from '../../shared/issuer-forms';
import { isLoopbackHost } from '../../shared/loopback';
import { redact } from '../../shared/redact';
import { followWithinOrigin, probe, type ProbeResult } from './http-probe';

/**
 * The doctor's checks over one profile. Each returns a line for the checklist and, when it fails, a
 * fix written for the person who has to change the Cognito app client or the profile file.
 */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
  /** Which proxy and which trust source the check's request used. */
  network?: RouteDescription;
}

interface Discovery {
  issuer?: unknown;
  jwks_uri?: unknown;
  authorization_endpoint?: unknown;
  end_session_endpoint?: unknown;
  token_endpoint?: unknown;
}

function networkFix(what: string, url: string, code?: string): string {
  switch (code) {
    case 'CERT_UNTRUSTED':
      return `Your network may inspect encrypted traffic; ask IT whether its root certificate is installed. The app trusts the OS certificate store; this check uses Node's list: pass its root with --ca-file FILE to check the same path.`;
    case 'CERT_NAME_MISMATCH':
      return `The certificate served for ${new URL(url).host} is for another name: check the profile's ${what}, or ask IT what on the network answers for it.`;
    case 'PROXY_UNREACHABLE':
      return "The proxy did not answer: check --proxy (or the profile's network.proxy) and that the proxy is reachable from here.";
    case 'PROXY_AUTH_REQUIRED':
      return 'The proxy wants credentials (HTTP 407): ask IT for a proxy exception for this host, or run the doctor where the OS signs in to the proxy for you.';
    case 'DNS_FAILED':
      return `The name ${new URL(url).hostname} does not resolve here: check the profile's ${what}, the VPN, or pass --proxy if this network only reaches it through a proxy.`;
    default:
      break;
  }
  const { hostname, origin } = new URL(url);
  if (isLoopbackHost(hostname.replace(/^\[|\]$/g, ''))) {
    return `Nothing answers on ${origin} on this machine: start the local user pool (npm run user-pool -- --port ${new URL(url).port || 80}) or whatever this profile's ${what} points at.`;
  }
  return `Check that ${url} is reachable from this machine (network, proxy, VPN) and that the profile's ${what} is right.`;
}

function parseJson(result: ProbeResult): unknown {
  if (result.kind !== 'response') return undefined;
  try {
    return JSON.parse(result.body);
  } catch {
    return undefined;
  }
}

export interface DiscoveryOutcome {
  results: CheckResult[];
  jwksUri?: string;
}

export async function checkDiscovery(
  profile: ResolvedProfile,
  transport: NetTransport,
): Promise<DiscoveryOutcome> {
  const url = `${profile.issuer}/.well-known/openid-configuration`;
  const title = 'OpenID discovery document and issuer';
  const result = await probe(transport, url);
  if (result.kind === 'network-error') {
    return {
      results: [
        {
          id: 'discovery',
          title,
          status: 'fail',
          detail: `${url} did not answer (${result.message})`,
          fix: networkFix('issuer (or region and userPoolId)', url, result.code),
        },
      ],
    };
  }
  const doc = parseJson(result) as Discovery | undefined;
  if (result.status !== 200 || doc === undefined || doc === null || typeof doc !== 'object') {
    // The pool may live at the other issuer form (Cognito's ORIGINAL / UPDATED): try it.
    const found = await probeOtherIssuerForm(profile, transport);
    if (found) return { results: [found.result], ...(found.jwksUri ? { jwksUri: found.jwksUri } : {}) };
    return {
      results: [
        {
          id: 'discovery',
          title,
          status: 'fail',
          detail: `${url} answered HTTP ${result.status}${doc === undefined ? ' without a JSON document' : ''}`,
          fix:
            result.status === 404 || result.status === 400
              ? `No user pool lives at this issuer: check "region" and "userPoolId" (the issuer is https://cognito-idp.<region>.amazonaws.com/<userPoolId>), or "issuer" for a non-AWS pool.`
              : `The issuer did not serve a discovery document: check the profile's "issuer", "region" and "userPoolId".`,
        },
      ],
    };
  }
  const results: CheckResult[] = [];
  const other = otherIssuerForm(profile.issuer);
  if (other && doc.issuer === other.issuer) {
    results.push(issuerFormResult(profile, other));
  } else if (doc.issuer !== profile.issuer) {
    results.push({
      id: 'discovery',
      title,
      status: 'fail',
      detail: `the document names issuer ${String(doc.issuer)}, the profile expects ${profile.issuer}`,
      fix: `Tokens from this pool would be rejected (iss must match exactly): set the profile's "issuer" to ${String(doc.issuer)} or correct "region"/"userPoolId".`,
    });
  } else {
    const form = issuerFormOf(profile.issuer);
    results.push({
      id: 'discovery',
      title,
      status: 'pass',
      detail: `issuer ${profile.issuer}${form ? ` (the pool uses the ${form} issuer form)` : ''}`,
    });
  }
  const authorize = typeof doc.authorization_endpoint === 'string' ? doc.authorization_endpoint : undefined;
  const expectedAuthorize = `${profile.domain}/oauth2/authorize`;
  if (authorize !== undefined && authorize !== expectedAuthorize) {
    // A custom domain in front of the pool is legitimate, so this is a warning, not a failure.
    results.push({
      id: 'discovery-domain',
      title: 'Hosted UI domain matches discovery',
      status: 'warn',
      detail: `discovery lists ${authorize}, the profile uses ${expectedAuthorize}`,
      fix: `If this pool has no custom domain, set the profile's "domain" to ${new URL(authorize).origin}.`,
    });
  }
  const jwksUri = typeof doc.jwks_uri === 'string' ? doc.jwks_uri : undefined;
  return { results, ...(jwksUri === undefined ? {} : { jwksUri }) };
}

/** The pool answers at the other issuer form of the profile's issuer: which one, and the field to set. */
function issuerFormResult(
  profile: ResolvedProfile,
  other: { form: 'original' | 'updated'; issuer: string },
): CheckResult {
  return {
    id: 'discovery',
    title: 'OpenID discovery document and issuer',
    status: 'fail',
    detail: `the pool uses the ${other.form} issuer form ${other.issuer}; the profile expects ${profile.issuer}`,
    fix: issuerFormMismatchMessage(profile.issuer, other.issuer, other.form),
  };
}

async function probeOtherIssuerForm(
  profile: ResolvedProfile,
  transport: NetTransport,
): Promise<{ result: CheckResult; jwksUri?: string } | undefined> {
  const other = otherIssuerForm(profile.issuer);
  if (!other) return undefined;
  const result = await probe(transport, `${other.issuer}/.well-known/openid-configuration`);
  const doc =
    result.kind === 'response' && result.status === 200 ? (parseJson(result) as Discovery) : undefined;
  if (!doc || typeof doc !== 'object' || doc.issuer !== other.issuer) return undefined;
  return {
    result: issuerFormResult(profile, other),
    ...(typeof doc.jwks_uri === 'string' ? { jwksUri: doc.jwks_uri } : {}),
  };
}

export async function checkJwks(
  profile: ResolvedProfile,
  transport: NetTransport,
  jwksUri?: string,
): Promise<CheckResult> {
  const url = jwksUri ?? `${profile.issuer}/.well-known/jwks.json`;
  const title = 'Signing keys (JWKS)';
  const result = await probe(transport, url);
  if (result.kind === 'network-error') {
    return {
      id: 'jwks',
      title,
      status: 'fail',
      detail: `${url} did not answer (${result.message})`,
      fix: networkFix('issuer', url, result.code),
    };
  }
  const body = parseJson(result) as { keys?: unknown } | undefined;
  const keys = Array.isArray(body?.keys) ? (body.keys as Array<Record<string, unknown>>) : [];
  const usable = keys.filter(
    (k) =>
      k['kty'] === 'RSA' && (k['alg'] === undefined || k['alg'] === 'RS256') && typeof k['kid'] === 'string',
  );
  if (result.status !== 200 || usable.length === 0) {
    return {
      id: 'jwks',
      title,
      status: 'fail',
      detail: `${url} answered HTTP ${result.status} with ${usable.length} usable RS256 key(s)`,
      fix: 'The app verifies ID tokens with these keys: point "issuer" at a Cognito user pool (its JWKS has RS256 keys).',
    };
  }
  return { id: 'jwks', title, status: 'pass', detail: `${usable.length} RS256 key(s) at ${url}` };
}

function pkceChallenge(): string {
  const verifier = randomBytes(32).toString('base64url');
  return createHash('sha256').update(verifier).digest('base64url');
}

function authorizeUrl(profile: ResolvedProfile, redirectUri: string): string {
  const url = new URL(`${profile.domain}/oauth2/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', profile.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', profile.scopes.join(' '));
  url.searchParams.set('state', randomBytes(16).toString('base64url'));
  url.searchParams.set('nonce', randomBytes(16).toString('base64url'));
  url.searchParams.set('code_challenge', pkceChallenge());
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

function errorParamsOf(location: string): { error?: string; description?: string } {
  const url = new URL(location);
  const error = url.searchParams.get('error') ?? undefined;
  const description = url.searchParams.get('error_description') ?? undefined;
  return { ...(error ? { error } : {}), ...(description ? { description } : {}) };
}

function clientFix(profile: ResolvedProfile, error: string | undefined, redirectUri: string): string {
  switch (error) {
    case 'invalid_scope':
      return `Allow the scopes ${profile.scopes.join(' ')} on app client ${profile.clientId} (Hosted UI / managed login settings), or remove the missing ones from the profile's "scopes".`;
    case 'unauthorized_client':
      return `Enable the "Authorization code grant" OAuth flow on app client ${profile.clientId}.`;
    case 'invalid_client':
      return `The pool does not know client id ${profile.clientId}: copy the app client id from the user pool into "clientId".`;
    default:
      return `Add ${redirectUri} exactly (scheme, host, port, path) to the allowed callback URLs of app client ${profile.clientId}, or remove it from the profile. If every redirect URI fails this way, "clientId" itself is probably wrong.`;
  }
}

/** The Hosted UI must show its sign-in page for this client and redirect URI, not its error page. */
export async function checkRedirectUri(
  profile: ResolvedProfile,
  transport: NetTransport,
  redirectUri: string,
): Promise<CheckResult> {
  const id = `redirect:${redirectUri}`;
  const title = `Hosted UI accepts client and redirect URI ${redirectUri}`;
  const origin = new URL(profile.domain).origin;
  const { result, visited } = await followWithinOrigin(transport, authorizeUrl(profile, redirectUri), origin);
  if (result.kind === 'network-error') {
    return {
      id,
      title,
      status: 'fail',
      detail: `${profile.domain} did not answer (${result.message})`,
      fix: networkFix('domain (the Hosted UI base URL)', profile.domain, result.code),
    };
  }
  const last = visited[visited.length - 1] ?? '';
  const lastPath = new URL(last).pathname;
  // A 403 at authorize itself (not Cognito's /error page): a web ACL in front of the pool. AWS
  // WAF's common rule set blocks redirect_uri=http://127.0.0.1...; localhost is the way round.
  if (result.status === 403 && lastPath === '/oauth2/authorize') {
    return wafBlockResult(profile, id, title, redirectUri);
  }
  // The Hosted UI's error page: reached by redirect, or the redirect points at it.
  const errorLocation =
    lastPath === '/error'
      ? last
      : result.location &&
          new URL(result.location).origin === origin &&
          new URL(result.location).pathname === '/error'
        ? result.location
        : undefined;
  if (errorLocation) {
    const { error, description } = errorParamsOf(errorLocation);
    return {
      id,
      title,
      status: 'fail',
      detail: `the Hosted UI refused it: /error?error=${error ?? 'unknown'}${description ? ` (${description})` : ''}`,
      fix: clientFix(profile, error, redirectUri),
    };
  }
  if (result.location && result.location.startsWith(redirectUri)) {
    const { error, description } = errorParamsOf(result.location);
    if (error) {
      return {
        id,
        title,
        status: 'fail',
        detail: `the Hosted UI sent error=${error} back to the app${description ? ` (${description})` : ''}`,
        fix: clientFix(profile, error, redirectUri),
      };
    }
    return { id, title, status: 'pass', detail: 'redirected straight back with a code' };
  }
  if (result.status === 200 && /text\/html/i.test(result.contentType)) {
    return { id, title, status: 'pass', detail: `sign-in page shown (${new URL(last).pathname})` };
  }
  return {
    id,
    title,
    status: 'fail',
    detail: `unexpected answer HTTP ${result.status}${result.location ? ` -> ${redact(result.location)}` : ''}`,
    fix: `Check that "domain" is the Hosted UI base URL of this user pool (e.g. https://<prefix>.auth.<region>.amazoncognito.com).`,
  };
}

function wafBlockResult(
  profile: ResolvedProfile,
  id: string,
  title: string,
  redirectUri: string,
): CheckResult {
  const uri = new URL(redirectUri);
  const loopbackIp = uri.protocol === 'http:' && /^127\./.test(uri.hostname);
  const localhost = `http://localhost:${uri.port}${uri.pathname}`;
  return {
    id,
    title,
    status: 'fail',
    detail: `HTTP 403 at /oauth2/authorize that is not Cognito's error page: a firewall (AWS WAF web ACL) in front of the user pool blocked the request${loopbackIp ? ' (its common rule set blocks redirect URIs on 127.0.0.1)' : ''}`,
    fix: loopbackIp
      ? `Register ${localhost} as a callback URL of app client ${profile.clientId}, add it to the profile's "redirect.loopback" and set "redirect.prefer": "localhost" (the app still listens on 127.0.0.1 only); or ask the pool's administrators to exempt /oauth2/authorize from the EC2MetaDataSSRF_QUERYARGUMENTS rule.`
      : `Ask the user pool's administrators which web ACL rule blocks /oauth2/authorize for client ${profile.clientId} (AWS WAF logs name it).`,
  };
}

/** /logout must redirect to the registered sign-out URL, not to the error page. */
export async function checkSignOutUrl(
  profile: ResolvedProfile,
  transport: NetTransport,
): Promise<CheckResult> {
  const signOutUrl = profile.signOutUrl;
  if (!signOutUrl) {
    return {
      id: 'sign-out',
      title: 'Hosted UI sign-out URL',
      status: 'skip',
      detail: 'no signOutUrl in the profile: signing out clears this app only, not the Hosted UI session',
    };
  }
  const id = `sign-out:${signOutUrl}`;
  const title = `Hosted UI accepts sign-out URL ${signOutUrl}`;
  const url = new URL(`${profile.domain}/logout`);
  url.searchParams.set('client_id', profile.clientId);
  url.searchParams.set('logout_uri', signOutUrl);
  const origin = url.origin;
  const { result, visited } = await followWithinOrigin(transport, url.toString(), origin);
  if (result.kind === 'network-error') {
    return {
      id,
      title,
      status: 'fail',
      detail: `${profile.domain} did not answer (${result.message})`,
      fix: networkFix('domain', profile.domain, result.code),
    };
  }
  if (result.location && result.location.startsWith(signOutUrl)) {
    return { id, title, status: 'pass', detail: 'redirects to the sign-out URL' };
  }
  const last = visited[visited.length - 1] ?? '';
  const errorAt =
    new URL(last).pathname === '/error'
      ? last
      : result.location && new URL(result.location).pathname === '/error'
        ? result.location
        : undefined;
  const error = errorAt ? errorParamsOf(errorAt).error : undefined;
  return {
    id,
    title,
    status: 'fail',
    detail: errorAt
      ? `the Hosted UI refused it: /error?error=${error ?? 'unknown'}`
      : `unexpected answer HTTP ${result.status}`,
    fix: `Add ${signOutUrl} exactly to the allowed sign-out URLs of app client ${profile.clientId}, or change "signOutUrl".`,
  };
}

/** Any HTTP answer counts (401 without a token is expected); silence or a refused connection does not. */
export async function checkApi(
  api: { name: string; baseUrl: string },
  transport: NetTransport,
): Promise<CheckResult> {
  const id = `api:${api.name}`;
  const title = `API "${api.name}" answers at ${api.baseUrl}`;
  const result = await probe(transport, api.baseUrl);
  if (result.kind === 'network-error') {
    return {
      id,
      title,
      status: 'fail',
      detail: `no answer (${result.message})`,
      fix: result.code
        ? networkFix('apis[].baseUrl', api.baseUrl, result.code)
        : `Start the API or correct apis[].baseUrl for "${api.name}"${
            api.name === 'demo'
              ? " (the demo API: npm run demo-api -- --pool-json '<ready line of npm run user-pool>')"
              : ''
          }; the app sends bearer tokens to this exact origin only.`,
    };
  }
  return { id, title, status: 'pass', detail: `answered HTTP ${result.status}` };
}
