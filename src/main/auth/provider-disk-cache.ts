/**
 * Discovery and the JWKS kept on disk, so that a cold start with a stored session goes straight
 * to its token request: keychain, one token request, one API request, and no discovery or JWKS
 * fetch before the first API call (issue 29). One file per profile in the app's data folder
 * (`provider-cache/<hash of the profile id>.json`), naming the issuer, Hosted UI domain and client
 * it was fetched for; a profile that differs in any of them drops it. Both documents are public
 * (no client secret is written) but the file is still private to the user, written through the
 * app's private-file writer (config/private-file.ts: 0600, random temp name created exclusively,
 * then renamed), as every file the app writes.
 *
 * A kept copy is used at once and revalidated in the background:
 *  - the JWKS when a token names an unknown `kid` (jose re-fetches), when a signature check fails
 *    (token-verifier.ts reloads once), or when the copy is over a day old;
 *  - discovery when it is over a day old (the next start uses the new document).
 * Whatever the network brings is written back. A file that cannot be read or written costs a
 * network round, never a sign-in: this is a cache.
 *
 *   const disk = createProviderDiskCache({ dir: userDataDir });
 *   const providers = createProviderCache({ disk });   // provider-cache.ts
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRemoteJWKSet, customFetch, jwksCache, type JSONWebKeySet, type JWKSCacheInput } from 'jose';
import { z } from 'zod';
import { writePrivateFileAtomic } from '../config/private-file';
import type { ResolvedProfile } from '../config/profile';
import type { Logger } from '../log/logger';
import { asFetch } from '../net/fetch-adapters';
import type { NetTransport } from '../net/transport';
import { checkProviderMetadata, discoverProvider, type ProviderMetadata } from './oidc-client';
import type { ProviderEntry } from './provider-cache';
import type { RemoteKeySet } from './token-verifier';

export interface ProviderDiskCache {
  /** The kept entry for this profile (checked as discovery is), or undefined (none, or dropped). */
  use(profile: ResolvedProfile, how: ProviderHow): Promise<ProviderEntry | undefined>;
  /** After a network discovery: keeps it, and a key set whose fetches are kept too. */
  keySetFor(profile: ResolvedProfile, metadata: ProviderMetadata, how: ProviderHow): RemoteKeySet;
}

export interface ProviderHow {
  transport: NetTransport;
  requestMs: number;
}

export const PROVIDER_CACHE_DIR = 'provider-cache';
/** Older than this, a kept document is fetched again in the background. */
export const PROVIDER_MAX_AGE_MS = 24 * 60 * 60_000;
/** jose's default: a key set fetched less than this ago is not fetched again for an unknown kid. */
const JOSE_COOLDOWN_MS = 30_000;

const KeptSchema = z
  .object({
    v: z.literal(1),
    issuer: z.string().max(2000),
    domain: z.string().max(2000),
    clientId: z.string().max(256),
    discovery: z.object({ at: z.number(), metadata: z.record(z.string(), z.unknown()) }).strict(),
    jwks: z
      .object({
        at: z.number(),
        set: z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(100) }).strict(),
      })
      .strict()
      .optional(),
  })
  .strict();
type Kept = z.infer<typeof KeptSchema>;
type KeptJwks = NonNullable<Kept['jwks']>;

const MAX_FILE_BYTES = 256 * 1024;

export function providerCacheFile(dir: string, profileId: string): string {
  const name = createHash('sha256').update(profileId).digest('hex').slice(0, 32);
  return path.join(dir, PROVIDER_CACHE_DIR, `${name}.json`);
}

const matches = (kept: Kept, profile: ResolvedProfile) =>
  kept.issuer === profile.issuer && kept.domain === profile.domain && kept.clientId === profile.clientId;

export function createProviderDiskCache(options: { dir: string; logger?: Logger }): ProviderDiskCache {
  const log = options.logger?.child('provider-cache');
  /** What each file holds now (this process wrote or read it), so partial updates merge. */
  const current = new Map<string, Kept>();

  const drop = (file: string) => {
    current.delete(file);
    rmSync(file, { force: true });
  };

  const write = (file: string, kept: Kept) => {
    current.set(file, kept);
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writePrivateFileAtomic(file, JSON.stringify(kept));
    } catch (error) {
      log?.warn('could not keep discovery/JWKS on disk', {
        code: (error as NodeJS.ErrnoException).code ?? 'error',
      });
    }
  };

  const read = async (file: string): Promise<unknown> => {
    const text = await readFile(file, 'utf8');
    if (text.length > MAX_FILE_BYTES) throw new Error('too large');
    return JSON.parse(text);
  };

  const keySet = (
    profile: ResolvedProfile,
    metadata: ProviderMetadata,
    how: ProviderHow,
    kept?: KeptJwks,
  ) => {
    const file = providerCacheFile(options.dir, profile.id);
    const now = Date.now();
    const old = kept !== undefined && now - kept.at >= PROVIDER_MAX_AGE_MS;
    // jose's cache slot: it reads the kept set once and assigns uat then jwks after every fetch,
    // which is when it is written back. A kept set counts as fetched just past jose's cooldown
    // (this process did not fetch it), so an unknown kid re-fetches at once; one over a day old is
    // used now and fetched again in the background.
    let jwks: JSONWebKeySet | undefined = kept ? (kept.set as unknown as JSONWebKeySet) : undefined;
    const slot = {
      uat: kept
        ? old
          ? now - JOSE_COOLDOWN_MS - 1
          : Math.min(kept.at, now - JOSE_COOLDOWN_MS - 1)
        : undefined,
      get jwks() {
        return jwks;
      },
      set jwks(next: JSONWebKeySet | undefined) {
        jwks = next;
        const base = current.get(file);
        if (!next || !base || !matches(base, profile)) return;
        write(file, {
          ...base,
          jwks: { at: slot.uat ?? Date.now(), set: next as unknown as KeptJwks['set'] },
        });
      },
    };
    const set = createRemoteJWKSet(new URL(metadata.jwks_uri!), {
      timeoutDuration: how.requestMs,
      cacheMaxAge: PROVIDER_MAX_AGE_MS,
      // jose's type wants both fields set; an empty slot (nothing kept yet) is what it fills.
      [jwksCache]: slot as JWKSCacheInput,
      [customFetch]: asFetch(how.transport) as never,
    });
    if (old) set.reload().catch(() => undefined);
    return set;
  };

  return {
    async use(profile, how) {
      const file = providerCacheFile(options.dir, profile.id);
      let kept: Kept;
      try {
        const parsed = KeptSchema.safeParse(await read(file));
        if (!parsed.success) {
          drop(file);
          return undefined;
        }
        kept = parsed.data;
      } catch (error) {
        // No file yet is the usual case; anything else unreadable is dropped.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') drop(file);
        return undefined;
      }
      const metadata = kept.discovery.metadata as unknown as ProviderMetadata;
      try {
        if (!matches(kept, profile)) throw new Error('another provider');
        checkProviderMetadata(profile, metadata);
      } catch {
        log?.info('dropped the kept discovery/JWKS: the profile names another provider');
        drop(file);
        return undefined;
      }
      current.set(file, kept);
      if (Date.now() - kept.discovery.at >= PROVIDER_MAX_AGE_MS) {
        discoverProvider(profile, { timeoutMs: how.requestMs, transport: how.transport })
          .then((fresh) => {
            const base = current.get(file) ?? kept;
            write(file, {
              ...base,
              discovery: { at: Date.now(), metadata: fresh as Record<string, unknown> },
            });
          })
          .catch(() => undefined);
      }
      return { metadata, keySet: keySet(profile, metadata, how, kept.jwks) };
    },
    keySetFor(profile, metadata, how) {
      const file = providerCacheFile(options.dir, profile.id);
      write(file, {
        v: 1,
        issuer: profile.issuer,
        domain: profile.domain,
        clientId: profile.clientId,
        discovery: { at: Date.now(), metadata: metadata as Record<string, unknown> },
      });
      return keySet(profile, metadata, how);
    },
  };
}
