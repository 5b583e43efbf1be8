import * as client from 'openid-client';
import { AppError } from '../../shared/errors';
import { issuerFormMismatchMessage, otherIssuerForm } from '../../shared/issuer-forms';
import { isLoopbackHttpUrl } from '../config/profile';
import type { ResolvedProfile } from '../config/profile';
import { asFetch } from '../net/fetch-adapters';
import type { NetTransport } from '../net/transport';
import { toTransientError } from './refresh-error-classifier';

/**
 * The profile's authorization server as openid-client sees it: discovery from the issuer, plus
 * the few URLs the rest of the engine needs. http is allowed only when the issuer is loopback
 * (the local user pool); openid-client itself refuses http otherwise.
 *
 * Cognito's discovery document lives on the issuer host while the Hosted UI endpoints live on the
 * pool domain: we insist that the authorize endpoint is on the profile's `domain`, because that
 * URL is handed to the system browser; the token and revocation endpoints must be there as well
 * (Cognito serves all three on the domain), which is what a stored session is bound to.
 *
 * Every request openid-client makes (discovery, token, revoke) goes through the given
 * NetTransport as its `customFetch`: Chromium's stack in the app, the explicit undici transport in
 * plain Node. A typed network failure (proxy, certificate, DNS) keeps its code here.
 */
export interface OidcClient {
  readonly config: client.Configuration;
  readonly jwksUri: URL;
  readonly authorizationEndpoint: URL;
}

/** What discovery found, checked: the part a cache may share across sessions (and keep on disk). */
export type ProviderMetadata = client.ServerMetadata;

/** What discovery needs of a profile (a stored session's binding names the same three). */
export type ProviderProfile = Pick<ResolvedProfile, 'issuer' | 'clientId' | 'domain'> & {
  clientSecret?: string | undefined;
};

/** Reads and checks the issuer's discovery document (the checks also run on a cached copy). */
export async function discoverProvider(
  profile: ProviderProfile,
  options: { timeoutMs: number; transport: NetTransport },
): Promise<ProviderMetadata> {
  const customFetch = asFetch(options.transport) as client.CustomFetch;
  const issuer = new URL(profile.issuer);
  const insecure = isLoopbackHttpUrl(issuer);
  let config: client.Configuration;
  try {
    config = await client.discovery(issuer, profile.clientId, undefined, client.None(), {
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: options.timeoutMs / 1000,
      [client.customFetch]: customFetch,
    });
  } catch (err) {
    const mismatch = issuerFormMismatch(err, profile.issuer);
    if (mismatch) throw mismatch;
    const mapped = toTransientError(err);
    throw new AppError(mapped.code, `Cannot read the sign-in service configuration: ${mapped.message}`, {
      ...(mapped.status === undefined ? {} : { status: mapped.status }),
    });
  }
  const meta = config.serverMetadata();
  checkProviderMetadata(profile, meta);
  return meta;
}

/** The profile's rules for a discovery document: authorize on the Hosted UI domain, JWKS https. */
export function checkProviderMetadata(
  profile: ProviderProfile,
  meta: ProviderMetadata,
): { jwksUri: URL; authorizationEndpoint: URL } {
  const bare = (u: string) => u.replace(/\/+$/, '');
  if (bare(meta.issuer) !== bare(profile.issuer)) {
    throw new AppError('CONFIG_INVALID', 'The discovery document names another issuer.');
  }
  const domain = new URL(profile.domain);
  const authorizationEndpoint = meta.authorization_endpoint
    ? new URL(meta.authorization_endpoint)
    : undefined;
  if (!authorizationEndpoint || authorizationEndpoint.origin !== domain.origin) {
    throw new AppError(
      'CONFIG_INVALID',
      `The issuer's authorize endpoint is not on the profile's Hosted UI domain ${domain.origin}.`,
    );
  }
  // The token and revocation endpoints must be on the domain too: a stored session is bound to
  // the domain's origin as its token endpoint's origin (credential-codec.ts), and a token sent
  // anywhere else would not be where the binding says it goes.
  for (const [name, endpoint] of [
    ['token', meta.token_endpoint],
    ['revocation', meta.revocation_endpoint],
  ] as const) {
    if (name === 'token' || endpoint !== undefined) {
      if (!endpoint || new URL(endpoint).origin !== domain.origin) {
        throw new AppError(
          'CONFIG_INVALID',
          `The issuer's ${name} endpoint is not on the profile's Hosted UI domain ${domain.origin}.`,
        );
      }
    }
  }
  if (!meta.jwks_uri) throw new AppError('CONFIG_INVALID', 'The issuer publishes no JWKS URI.');
  const jwksUri = new URL(meta.jwks_uri);
  if (jwksUri.protocol !== 'https:' && !isLoopbackHttpUrl(jwksUri)) {
    throw new AppError('CONFIG_INVALID', 'The JWKS URI must use https.');
  }
  return { jwksUri, authorizationEndpoint };
}

/** One session's client over (possibly shared) metadata, with this session's own time bound. */
export function oidcClientFrom(
  profile: ProviderProfile,
  meta: ProviderMetadata,
  options: { timeoutMs: number; transport: NetTransport },
): OidcClient {
  const { jwksUri, authorizationEndpoint } = checkProviderMetadata(profile, meta);
  const auth = profile.clientSecret ? client.ClientSecretBasic(profile.clientSecret) : client.None();
  const config = new client.Configuration(meta, profile.clientId, undefined, auth);
  if (isLoopbackHttpUrl(new URL(profile.issuer))) client.allowInsecureRequests(config);
  config.timeout = options.timeoutMs / 1000;
  config[client.customFetch] = asFetch(options.transport) as client.CustomFetch;
  return { config, jwksUri, authorizationEndpoint };
}

export async function discoverOidcClient(
  profile: ProviderProfile,
  options: { timeoutMs: number; transport: NetTransport },
): Promise<OidcClient> {
  return oidcClientFrom(profile, await discoverProvider(profile, options), options);
}

/**
 * Discovery answered with the other issuer form of the same pool (a pool on UPDATED while the
 * profile derives ORIGINAL, or the reverse): its own coded error naming the profile field to set,
 * not a generic configuration failure. oauth4webapi reports the issuer comparison with the
 * document in `cause.body`.
 */
function issuerFormMismatch(err: unknown, expected: string): AppError | undefined {
  for (let link: unknown = err, depth = 0; link && depth < 4; depth += 1) {
    const cause = (link as { cause?: unknown }).cause as
      { attribute?: unknown; body?: { issuer?: unknown } } | undefined;
    if (cause?.attribute === 'issuer' && typeof cause.body?.issuer === 'string') {
      const other = otherIssuerForm(expected);
      if (other && other.issuer === cause.body.issuer) {
        return new AppError(
          'ISSUER_FORM_MISMATCH',
          issuerFormMismatchMessage(expected, other.issuer, other.form),
        );
      }
      return undefined;
    }
    link = cause;
  }
  return undefined;
}
