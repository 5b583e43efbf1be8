import { randomUUID } from 'node:crypto';

/**
 * What Cognito keeps per authentication event (one per code exchange): `origin_jti` and `event_id`
 * stay on every token refreshed from it, and so does `auth_time`. Keyed by oidc-provider's grant id,
 * which this pool makes unique per authorization so revoking one sign-in leaves others alone.
 */
export interface GrantRecord {
  grantId: string;
  accountId: string;
  clientId: string;
  originJti: string;
  eventId: string;
  authTime: number | undefined;
}

export class GrantRecords {
  readonly #byGrant = new Map<string, GrantRecord>();
  readonly #byOrigin = new Map<string, GrantRecord>();

  ensure(grantId: string, accountId: string, clientId: string, authTime: number | undefined): GrantRecord {
    let record = this.#byGrant.get(grantId);
    if (!record) {
      record = { grantId, accountId, clientId, originJti: randomUUID(), eventId: randomUUID(), authTime };
      this.#byGrant.set(grantId, record);
      this.#byOrigin.set(record.originJti, record);
    } else if (record.authTime === undefined && authTime !== undefined) {
      record.authTime = authTime;
    }
    return record;
  }

  byOriginJti(originJti: string): GrantRecord | undefined {
    return this.#byOrigin.get(originJti);
  }

  forAccount(accountId: string): GrantRecord[] {
    return [...this.#byGrant.values()].filter((r) => r.accountId === accountId);
  }
}
