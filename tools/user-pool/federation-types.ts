/**
 * The federation part of a pool definition, shaped as Cognito's CreateIdentityProvider takes it
 * (camelCase field names; `providerDetails` keys exactly as Cognito spells them), plus the
 * federated users an admin has already put into groups (AdminAddUserToGroup on `<Provider>_<sub>`).
 */

/** Cognito's name for local (username and password) users in an app client's SupportedIdentityProviders. */
export const COGNITO_PROVIDER = 'COGNITO';

export interface PoolOidcProviderDetails {
  client_id: string;
  client_secret: string;
  /** The upstream's issuer; its discovery document gives every endpoint (Cognito's auto-discovery). */
  oidc_issuer: string;
  /** Space-separated scopes the pool asks the upstream for, e.g. "openid email profile". */
  authorize_scopes: string;
  /** How the pool asks the upstream's userInfo endpoint for attributes; default GET. */
  attributes_request_method?: 'GET' | 'POST';
}

export interface PoolIdentityProviderDefinition {
  /** ProviderName: 1-32 characters, not COGNITO; the Hosted UI button and `identity_provider=` use it. */
  providerName: string;
  providerType: 'OIDC';
  providerDetails: PoolOidcProviderDetails;
  /** Cognito's AttributeMapping: user-pool attribute name -> upstream claim name. */
  attributeMapping?: Record<string, string>;
  /** Cognito's IdpIdentifiers: alternative names for `idp_identifier=` (e.g. an email domain). */
  idpIdentifiers?: string[];
}

export interface PoolFederatedUserDefinition {
  /** `<ProviderName>_<upstream sub>`, as Cognito names a federated user. */
  username: string;
  /** Groups an admin added the user to; the automatic `<userPoolId>_<ProviderName>` group comes on top. */
  groups: string[];
}
