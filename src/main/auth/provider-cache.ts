/**
 * Discovery documents and JWKS key sets, shared by the sessions the composition root gives this
 * cache to (src/main/app-services.ts makes one per app): a profile switch or a new session does
 * not repeat discovery or the JWKS fetch. Keyed by what identifies the provider: issuer, Hosted UI
 * domain, client (and secret), and the transport (another proxy or trust must not reuse it).
 * Failures are not kept. Each session builds its own client over the shared metadata, with its own
 * time bound. With a `disk` store (provider-disk-cache.ts) a cold start uses the kept copy at once
 * and revalidates it in the background.
 *
 *   const providers = createProviderCache({ disk });     // one per app; tests make their own
 *   const { metadata, keySet } = await providers.get(profile, transport, requestMs);
 */
import type { ResolvedProfile } from '../config/profile';
import type { NetTransport } from '../net/transport';
import { discoverProvider, type ProviderMetadata } from './oidc-client';
import type { ProviderDiskCache } from './provider-disk-cache';
import { remoteKeySet, type RemoteKeySet } from './token-verifier';

export interface ProviderEntry {
  metadata: ProviderMetadata;
  keySet: RemoteKeySet;
}

export interface ProviderCache {
  get(profile: ResolvedProfile, transport: NetTransport, requestMs: number): Promise<ProviderEntry>;
}

export const providerKey = (profile: ResolvedProfile): string =>
  JSON.stringify([profile.issuer, profile.domain, profile.clientId, profile.clientSecret ?? '']);

export function createProviderCache(options: { disk?: ProviderDiskCache } = {}): ProviderCache {
  const byTransport = new WeakMap<NetTransport, Map<string, Promise<ProviderEntry>>>();
  const discover = async (
    profile: ResolvedProfile,
    transport: NetTransport,
    requestMs: number,
  ): Promise<ProviderEntry> => {
    const kept = options.disk ? await options.disk.use(profile, { transport, requestMs }) : undefined;
    if (kept) return kept;
    const metadata = await discoverProvider(profile, { timeoutMs: requestMs, transport });
    const keySet = options.disk
      ? options.disk.keySetFor(profile, metadata, { transport, requestMs })
      : remoteKeySet(new URL(metadata.jwks_uri!), requestMs, transport);
    // Fetch the JWKS now, while the refresh (or sign-in) that needed discovery is in flight,
    // instead of after it when the first token is checked. A failure here is not an error: the
    // token check fetches again and reports it.
    keySet.reload().catch(() => undefined);
    return { metadata, keySet };
  };
  return {
    get(profile, transport, requestMs) {
      let cache = byTransport.get(transport);
      if (!cache) {
        cache = new Map();
        byTransport.set(transport, cache);
      }
      const entries = cache;
      const key = providerKey(profile);
      let entry = entries.get(key);
      if (!entry) {
        entry = discover(profile, transport, requestMs);
        entries.set(key, entry);
        entry.catch(() => entries.delete(key));
      }
      return entry;
    },
  };
}
