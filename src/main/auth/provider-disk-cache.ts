import type { ResolvedProfile } from '../config/profile';
import type { NetTransport } from '../net/transport';
import type { ProviderMetadata } from './oidc-client';
import type { ProviderEntry } from './provider-cache';
import type { RemoteKeySet } from './token-verifier';

export interface ProviderDiskCache {
  use(
    profile: ResolvedProfile,
    how: { transport: NetTransport; requestMs: number },
  ): Promise<ProviderEntry | undefined>;
  keySetFor(
    profile: ResolvedProfile,
    metadata: ProviderMetadata,
    how: { transport: NetTransport; requestMs: number },
  ): RemoteKeySet;
}
