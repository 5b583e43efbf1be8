/**
 * What a transition asks the runner to do, as data. Each effect's outcome comes back as an event
 * (see states.ts); none of them decides anything itself.
 */
import type { SessionBinding } from '../credential-store';
import type { SignInChoice } from '../sign-in-options';
import type { Secret, TokenSet } from '../token-set';
import type { Answer, SaveOwner, Ticket } from './states';

export type Effect =
  | { kind: 'load-credential' }
  /** `signedInAt`: when the token's family began, kept beside it so a restart knows the session's end. */
  | { kind: 'save-credential'; owner: SaveOwner; tokens: TokenSet; signedInAt?: number }
  | { kind: 'clear-credential'; clearId: number }
  /**
   * Bounded, never fails: ends in revoke-finished. `at`: revoke where the token was issued (a
   * stored session bound to another provider, foreign-session.ts); absent: at the profile's own.
   */
  | { kind: 'revoke'; refreshToken: Secret; at?: SessionBinding }
  | { kind: 'begin-sign-in'; attemptId: number; choice: SignInChoice }
  | { kind: 'cancel-sign-in'; attemptId: number }
  | { kind: 'discover-for-refresh'; flightId: number }
  /** `expectSub`: a refreshed ID token must be about this user (OIDC Core 12.2). */
  | { kind: 'send-refresh'; flightId: number; refreshToken: Secret; expectSub?: string }
  /** Revoke (bounded), then the Hosted UI logout page; then answers the tickets with the state. */
  | {
      kind: 'end-remote-session';
      refreshToken?: Secret;
      hostedUiLogout: boolean;
      tickets: readonly Ticket[];
      /** Other callers to answer at the same moment. */
      replies: ReadonlyArray<{ ticket: Ticket; answer: Answer }>;
    }
  | { kind: 'close-signed-out-page' }
  | { kind: 'reply'; ticket: Ticket; answer: Answer }
  /** Token-free log line (fields are codes, counts and times only). */
  | { kind: 'log'; level: 'info' | 'warn'; message: string; fields?: Record<string, unknown> };

export type EffectKind = Effect['kind'];
