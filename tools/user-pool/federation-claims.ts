/**
 * What federation adds to the pool's token claims, kept apart so provider-config.ts needs only a
 * couple of one-line hooks: the authorize parameters oidc-provider must keep on the interaction,
 * and the attribute names the providers' attribute mappings can bring.
 */
import type { PoolDefinition } from './types';

/** Cognito's authorize parameters that pick an IdP (Authorize endpoint: identity_provider, idp_identifier). */
export const FEDERATION_AUTHORIZE_PARAMS = ['identity_provider', 'idp_identifier'] as const;

/** Every pool attribute a provider's attributeMapping can set (the pool's `username` is always `<Provider>_<sub>`). */
export function federatedAttributeNames(definition: PoolDefinition): string[] {
  const names = new Set<string>();
  for (const idp of definition.identityProviders ?? []) {
    for (const name of Object.keys(idp.attributeMapping ?? {})) if (name !== 'username') names.add(name);
  }
  return [...names];
}
