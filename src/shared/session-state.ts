import { z } from 'zod';
import { TransitionLogSchema } from './session-timeline';

/**
 * What the UI may know about the session. It carries no token of any kind: the access
 * token's expiry time is the only token-derived fact that crosses into the renderer.
 */
export const SecretStorageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keychain') }).strict(),
  z.object({ kind: z.literal('memory'), reason: z.string().max(500) }).strict(),
]);
export type SecretStorage = z.infer<typeof SecretStorageSchema>;

export const SessionUserSchema = z
  .object({
    sub: z.string().max(256),
    username: z.string().max(256),
    email: z.string().max(320).optional(),
    groups: z.array(z.string().max(256)).max(500),
    /** A federated user's identity provider (the ID token's `identities` claim), e.g. ExampleCorpSSO. */
    identityProvider: z.string().max(128).optional(),
  })
  .strict();
export type SessionUser = z.infer<typeof SessionUserSchema>;

/**
 * Why the session is signed out. `signed-out-elsewhere`: the IdP refused the refresh token
 * (invalid_grant) with no local cause (no sign-out here, no expiry known to the app): Cognito
 * evicted the session (the per-user session limit) or the user signed out on another device.
 */
export const SignedOutReasonSchema = z.enum([
  'none',
  'user',
  'expired',
  'revoked',
  'signed-out-elsewhere',
  'error',
]);
export type SignedOutReason = z.infer<typeof SignedOutReasonSchema>;

/**
 * The AWS side of a signed-in session with an identity pool (src/main/aws): what a person may
 * see. The identity id is not secret (Cognito calls it an identifier, not a credential); the
 * credentials themselves never leave main.
 */
export const AwsIdentityViewSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('fetching'), identityId: z.string().max(128).optional() }).strict(),
  z
    .object({
      status: z.literal('ready'),
      identityId: z.string().max(128),
      /** The IAM role's name (the part after `role/`), or null when the identity pool chose its default role. */
      roleName: z.string().max(128).nullable(),
      /** Epoch ms on the local clock when the credentials expire. */
      expiresAt: z.number(),
    })
    .strict(),
  z
    .object({
      status: z.literal('error'),
      identityId: z.string().max(128).optional(),
      error: z.object({ code: z.string().max(64), message: z.string().max(1000) }).strict(),
    })
    .strict(),
]);
export type AwsIdentityView = z.infer<typeof AwsIdentityViewSchema>;

export const SessionStateSchema = z.discriminatedUnion('status', [
  z
    .object({
      status: z.literal('signed-out'),
      reason: SignedOutReasonSchema,
      /** Plain-words detail of the last failure, if any (already redacted). */
      error: z
        .object({ code: z.string().max(64), message: z.string().max(1000) })
        .strict()
        .optional(),
      /**
       * Something the user should know although signing out worked, e.g. code
       * KEYCHAIN_ENTRY_LEFT: "the saved sign-in could not be removed from the keychain".
       */
      warning: z
        .object({ code: z.string().max(64), message: z.string().max(1000) })
        .strict()
        .optional(),
      storage: SecretStorageSchema,
    })
    .strict(),
  z
    .object({
      status: z.literal('signing-in'),
      /** Epoch ms when the browser was opened. */
      startedAt: z.number(),
      storage: SecretStorageSchema,
    })
    .strict(),
  z
    .object({
      status: z.literal('signed-in'),
      user: SessionUserSchema,
      /** Epoch ms, on the local clock, when the access token expires. */
      accessTokenExpiresAt: z.number(),
      /** Epoch ms of the last successful token response. */
      lastRefreshAt: z.number(),
      connectivity: z.enum(['online', 'refreshing', 'offline']),
      /** When offline: epoch ms of the next refresh attempt. */
      nextRetryAt: z.number().optional(),
      /** When online: epoch ms the next proactive refresh is planned for (a time, not a token). */
      nextRefreshAt: z.number().optional(),
      /**
       * Epoch ms when the session must end (its sign-in + the profile's sessionLifetime): no
       * refresh or rotation extends it. Absent when the app cannot know it.
       */
      sessionEndsAt: z.number().optional(),
      /** "Sign in again" is waiting in the browser since this epoch ms; the session goes on meanwhile. */
      signingInAgainSince: z.number().optional(),
      /** The machine's transitions since this stretch signed in (session-timeline.ts): Home's timeline. */
      timeline: TransitionLogSchema.optional(),
      /** Present for a profile with an identity pool. */
      aws: AwsIdentityViewSchema.optional(),
      storage: SecretStorageSchema,
    })
    .strict(),
]);
export type SessionState = z.infer<typeof SessionStateSchema>;
