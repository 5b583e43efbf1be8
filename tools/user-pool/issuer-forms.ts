/**
 * The pool's issuer form (`issuerType` in the definition, Cognito's IssuerConfigurationType):
 * `original` (default) issues tokens as `<domain>/<poolId>`, `updated` as
 * `<domain>/updated/<poolId>` (src/shared/issuer-forms.ts: the local stand-in for the
 * `issuer-cognito-idp.` host). Discovery and the JWKS live under the pool's issuer, and are also
 * served under the other form's path with the same content (the document names the pool's real
 * issuer), so a client at the wrong form reads which form the pool uses instead of a 404.
 * Whether AWS serves the other form's discovery for a pool is not documented (docs/user-pool.md).
 */
import { localIssuer, type IssuerForm } from '../../src/shared/issuer-forms';
import type { PoolDefinition } from './types';

export interface PoolIssuer {
  form: IssuerForm;
  issuer: string;
  jwksUri: string;
  /** Request paths that are discovery or JWKS: `<prefix>openid-configuration`, `<prefix>jwks.json`. */
  wellKnownPrefixes: string[];
}

export function poolIssuer(domain: string, definition: PoolDefinition): PoolIssuer {
  const form: IssuerForm = definition.issuerType ?? 'original';
  const issuer = localIssuer(domain, definition.userPoolId, form);
  const prefixes = (['original', 'updated'] as const).map(
    (f) => `${new URL(localIssuer(domain, definition.userPoolId, f)).pathname}/.well-known/`,
  );
  return { form, issuer, jwksUri: `${issuer}/.well-known/jwks.json`, wellKnownPrefixes: prefixes };
}

/** The `.well-known` document a path names (`openid-configuration`, `jwks.json`), or undefined. */
export function wellKnownName(pool: PoolIssuer, path: string): string | undefined {
  const prefix = pool.wellKnownPrefixes.find((p) => path.startsWith(p));
  return prefix === undefined ? undefined : path.slice(prefix.length);
}
