import { z } from 'zod';
import { ProxySettingSchema } from '../config/profile';

/**
 * The organisation policy: what an admin can lock on every machine without rebuilding the
 * installer. One schema for every OS form (Linux JSON file, macOS managed-preferences plist,
 * Windows registry): each form is turned into a plain object first (`policy-forms.ts`) and then
 * validated here, so the three forms cannot drift apart.
 *
 * API:
 *   PolicySchema     zod schema of one policy document (all keys optional, unknown keys refused)
 *   PolicyDocument   its output type
 *   POLICY_BOOLEAN_KEYS  the dotted paths that are booleans (the registry stores them as DWORD 0/1)
 *
 * Unknown keys are an error rather than ignored: an admin who misspells `allowUserProfile`
 * believes the app is locked down when it is not, so the app fails closed and names the key.
 * Profiles are not validated here but by the profile schema (`config/profile.ts`), so a profile
 * from policy obeys exactly the rules of one from a file.
 */

const httpsUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an https URL');

/** Proxy rules are the profile's own (config/profile.ts), so a policy cannot pin what a profile may not. */
export const PolicyProxySchema = ProxySettingSchema;

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

export const PolicySchema = z
  .object({
    /** A locked list of profiles; each is checked by the profile schema. */
    profiles: z.array(z.unknown()).min(1).max(50).optional(),
    defaultProfileId: z.string().max(64).optional(),
    /** May the user add or edit profiles of their own? Defaults to false once `profiles` is set. */
    allowUserProfiles: z.boolean().optional(),
    network: z.object({ proxy: PolicyProxySchema.optional() }).strict().optional(),
    updates: z
      .object({
        enabled: z.boolean().optional(),
        feedUrl: httpsUrl.optional(),
      })
      .strict()
      .optional(),
    /** May the app sign in for this run only when no OS keychain exists? Default true. */
    allowMemoryOnlySignIn: z.boolean().optional(),
    logLevel: z.enum(LOG_LEVELS).optional(),
    /**
     * The fleet's size and its share of the IdP quota (Cognito's UserAuthentication default is
     * 120 requests per second per account and region): background refreshes and retries spread
     * over clients / tokenRequestsPerSecond seconds (auth/backoff.ts).
     */
    fleet: z
      .object({
        clients: z.number().int().min(1).max(10_000_000),
        tokenRequestsPerSecond: z.number().positive().max(100_000).default(120),
      })
      .strict()
      .optional(),
    /**
     * Loopback-http / demo profiles in a packaged build: for an organisation's own development
     * machines only. Honoured from the machine policy alone (a user cannot open the hole).
     */
    allowLoopbackProfiles: z.boolean().optional(),
  })
  .strict();

export type PolicyDocument = z.output<typeof PolicySchema>;
export type PolicyProxy = z.output<typeof PolicyProxySchema>;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const POLICY_BOOLEAN_KEYS = [
  'allowUserProfiles',
  'allowMemoryOnlySignIn',
  'allowLoopbackProfiles',
  'updates.enabled',
] as const;
