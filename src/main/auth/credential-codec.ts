import { createHash } from 'node:crypto';
import { SessionUserSchema } from '../../shared/session-state';
import type { SessionUser } from '../../shared/session-state';

/**
 * What a keychain entry holds, as text: the versioned envelope, the head entry that points at it,
 * the split into part entries, and the binding of a stored session to where it came from. Pure
 * (no keychain, no I/O), so every shape is tested directly; credential-store.ts does the I/O.
 *
 * API:
 *   encodeEnvelope(envelope) -> string      ASCII-only JSON (a chunk of N chars is <= 2N bytes)
 *   parseEnvelope(text) -> Envelope | undefined
 *   encodeEntries(text, entryLimit, previousSlot) -> { head, slot?, parts }
 *   parseHead(text) -> Head | undefined
 *   digest(text)                            16-char base64url SHA-256, for split entries
 *   compareBinding(stored, expected) -> 'match' | 'mismatch' | 'unbound'
 *
 * Envelope `{"v":1,"rt":...,"u":{...},"t":...,"b":{"iss":...,"te":...,"cid":...},"s":...}` (`s`: when
 * the token's family began, so a restarted app still knows the session's end). `b` says
 * which issuer, token endpoint origin and client id the refresh token was issued for: a stored
 * session is used only by a profile whose three values match exactly (issue 24: a renderer that
 * saved a profile with the same id and client id but its own issuer got the token sent there).
 * Entries written before the binding existed have no `b`: they are "unbound" (see
 * docs/session.md, "A stored session is bound to where it came from").
 */

/** Leaves room under Windows' 2,560-byte credential blob limit for JSON framing and UTF-16. */
export const CHUNK_CHARS = 1200;
/**
 * The Secret Service and the macOS keychain take a whole envelope in one item: splitting there
 * would only turn each restore into three keychain round trips instead of one.
 */
export const UNSPLIT_ENTRY_CHARS = 16_384;
export const MAX_PARTS = 64;

export type Slot = 'a' | 'b';
export const SLOTS: readonly Slot[] = ['a', 'b'];

/** Where a refresh token came from, and so the only place it may ever be sent. */
export interface SessionBinding {
  /** The issuer exactly as the profile resolved it. */
  issuer: string;
  /** Origin of the token endpoint (the Hosted UI domain's origin; discovery must agree). */
  tokenOrigin: string;
  clientId: string;
}

export interface Envelope {
  v: 1;
  rt: string;
  u?: SessionUser;
  t: number;
  b?: { iss: string; te: string; cid: string };
  /** When the refresh token's family began (its sign-in), epoch ms; absent in older entries. */
  s?: number;
}

export interface Head {
  v: 1;
  /** Inline envelope JSON when small enough. */
  e?: string;
  /** Split envelope: part slot, part count, digest of the joined parts. */
  s?: Slot;
  n?: number;
  d?: string;
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

export function toEnvelopeBinding(binding: SessionBinding): NonNullable<Envelope['b']> {
  return { iss: binding.issuer, te: binding.tokenOrigin, cid: binding.clientId };
}

export function fromEnvelopeBinding(b: NonNullable<Envelope['b']>): SessionBinding {
  return { issuer: b.iss, tokenOrigin: b.te, clientId: b.cid };
}

/** Exact comparison: no normalising, no case folding (the profile resolves its own forms). */
export function compareBinding(
  stored: SessionBinding | undefined,
  expected: SessionBinding,
): 'match' | 'mismatch' | 'unbound' {
  if (!stored) return 'unbound';
  return stored.issuer === expected.issuer &&
    stored.tokenOrigin === expected.tokenOrigin &&
    stored.clientId === expected.clientId
    ? 'match'
    : 'mismatch';
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export function parseEnvelope(text: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v['v'] !== 1 || !isNonEmptyString(v['rt']) || typeof v['t'] !== 'number') return undefined;
  const u = v['u'];
  let user: SessionUser | undefined;
  if (u !== undefined) {
    // The same limits as the published state: a user that parses but breaks them would make
    // every state publication throw, so it is as unreadable as broken JSON.
    if (typeof u !== 'object' || u === null) return undefined;
    // Fields another app version may have added are dropped, not fatal; the known ones must fit.
    const { sub, username, groups, email } = u as Record<string, unknown>;
    const parsed = SessionUserSchema.safeParse({
      sub,
      username,
      groups,
      ...(email === undefined ? {} : { email }),
    });
    if (!parsed.success) return undefined;
    user = parsed.data;
  }
  let binding: Envelope['b'];
  const b = v['b'];
  if (b !== undefined) {
    // A binding that is there but broken is unreadable, never "unbound" (which is read as old).
    if (typeof b !== 'object' || b === null) return undefined;
    const { iss, te, cid } = b as Record<string, unknown>;
    if (!isNonEmptyString(iss) || !isNonEmptyString(te) || !isNonEmptyString(cid)) return undefined;
    binding = { iss, te, cid };
  }
  // A sign-in time that is there but not a time is unreadable, like a broken binding.
  const started = v['s'];
  if (started !== undefined && (typeof started !== 'number' || !Number.isFinite(started) || started < 0))
    return undefined;
  return {
    v: 1,
    rt: v['rt'],
    t: v['t'],
    ...(user ? { u: user } : {}),
    ...(binding ? { b: binding } : {}),
    ...(started === undefined ? {} : { s: started }),
  };
}

/** ASCII-only JSON: a chunk of N chars is then at most 2*N bytes in any encoding. */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function parseHead(text: string): Head | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (v['v'] !== 1) return undefined;
    if (typeof v['e'] === 'string') return { v: 1, e: v['e'] };
    if (
      (v['s'] === 'a' || v['s'] === 'b') &&
      typeof v['n'] === 'number' &&
      Number.isInteger(v['n']) &&
      v['n'] > 0 &&
      v['n'] <= MAX_PARTS &&
      typeof v['d'] === 'string'
    ) {
      return { v: 1, s: v['s'], n: v['n'], d: v['d'] };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entries for one envelope text: inline in the head when it fits, else parts in the slot the
 * previous head did not use (so the previous credential stays readable until the head switches).
 */
export function encodeEntries(
  text: string,
  entryLimit: number,
  previousSlot: Slot | undefined,
): { head: string; slot?: Slot; parts: string[] } {
  if (text.length <= entryLimit) return { head: JSON.stringify({ v: 1, e: text } satisfies Head), parts: [] };
  const slot: Slot = previousSlot === 'a' ? 'b' : 'a';
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += entryLimit) parts.push(text.slice(i, i + entryLimit));
  const head: Head = { v: 1, s: slot, n: parts.length, d: digest(text) };
  return { head: JSON.stringify(head), slot, parts };
}

/** What a profile expects of a stored session: its issuer, its Hosted UI domain's origin, its client. */
export function sessionBindingOf(profile: {
  issuer: string;
  domain: string;
  clientId: string;
}): SessionBinding {
  return { issuer: profile.issuer, tokenOrigin: new URL(profile.domain).origin, clientId: profile.clientId };
}
