/**
 * Validation of the federation part of a pool definition (definition-schema.ts plugs these in):
 * providers as Cognito's CreateIdentityProvider accepts them (OIDC only here), clients'
 * SupportedIdentityProviders naming only COGNITO or a declared provider, and federated users
 * named `<ProviderName>_<sub>` of a declared provider.
 */
import { z } from 'zod';

import { COGNITO_PROVIDER } from './federation-types';

/** Cognito's ProviderName pattern and length (1-32), and it may not be COGNITO. */
const providerName = z
  .string()
  .min(1)
  .max(32)
  .regex(
    /^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$/u,
    'must match Cognito\'s ProviderName pattern (no "_", no spaces)',
  )
  .refine((name) => name !== COGNITO_PROVIDER, { message: 'COGNITO is reserved for local users' });

const issuerUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (
        url.protocol === 'https:' ||
        (url.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname))
      );
    } catch {
      return false;
    }
  },
  { message: 'must be an https URL (http only on a loopback host, for local upstreams)' },
);

export const identityProviderSchema = z.strictObject({
  providerName,
  providerType: z.literal('OIDC'),
  providerDetails: z.strictObject({
    client_id: z.string().min(1).max(256),
    client_secret: z.string().min(1).max(256),
    oidc_issuer: issuerUrl,
    authorize_scopes: z
      .string()
      .refine((s) => s.split(' ').includes('openid'), { message: 'must include openid' }),
    attributes_request_method: z.enum(['GET', 'POST']).optional(),
  }),
  attributeMapping: z.record(z.string().min(1).max(128), z.string().min(1).max(128)).optional(),
  idpIdentifiers: z
    .array(z.string().regex(/^[\w\s+=.@-]{1,40}$/, 'must be 1-40 of letters, digits, spaces and + = . @ - _'))
    .max(50)
    .optional(),
});

export const supportedIdentityProvidersSchema = z.array(z.string().min(1).max(32));

export const federatedUserSchema = z.strictObject({
  username: z.string().min(3).max(128),
  groups: z.array(z.string().min(1).max(128)),
});

interface FederationView {
  clients: Array<{ supportedIdentityProviders?: string[] | undefined }>;
  identityProviders?: Array<{ providerName: string; idpIdentifiers?: string[] | undefined }> | undefined;
  federatedUsers?: Array<{ username: string }> | undefined;
}

/** Cross-field rules; each issue names its field (`clients[0].supportedIdentityProviders[1]`...). */
export function checkFederation(pool: FederationView, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  const identifiers = new Set<string>();
  (pool.identityProviders ?? []).forEach((idp, i) => {
    if (names.has(idp.providerName)) {
      ctx.addIssue({
        code: 'custom',
        path: ['identityProviders', i, 'providerName'],
        message: 'duplicate providerName',
      });
    }
    names.add(idp.providerName);
    (idp.idpIdentifiers ?? []).forEach((id, j) => {
      if (identifiers.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['identityProviders', i, 'idpIdentifiers', j],
          message: 'identifier already used by another provider',
        });
      }
      identifiers.add(id);
    });
  });
  pool.clients.forEach((client, i) => {
    (client.supportedIdentityProviders ?? []).forEach((name, j) => {
      if (name !== COGNITO_PROVIDER && !names.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'supportedIdentityProviders', j],
          message: `must be COGNITO or a providerName of identityProviders`,
        });
      }
    });
  });
  (pool.federatedUsers ?? []).forEach((user, i) => {
    const provider = user.username.slice(0, user.username.indexOf('_'));
    if (!names.has(provider) || user.username.length <= provider.length + 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['federatedUsers', i, 'username'],
        message: 'must be <ProviderName>_<upstream sub> of a declared provider',
      });
    }
  });
}
