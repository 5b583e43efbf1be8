import { pseudoLocalize, type Language } from '../../shared/languages';
import type { ResolvedProfile } from './profile';

/**
 * Which profile changes a person must confirm in main, and the port through which main asks.
 *
 * API:
 *   describeProfileChange(previous, next) -> ProfileChangeRequest | undefined
 *       undefined when nothing changes where tokens or credentials go (a new label, scopes...)
 *   ConfirmProfileChange                   the port: (request) -> Promise<boolean>
 *
 * Why: the renderer can ask to save a profile (`profiles:save`), but a page running script there
 * (an XSS, a hostile dependency) must not be able to point an environment at its own servers. A
 * change of the issuer, the Hosted UI domain, the client id or secret, the APIs or the proxy, and
 * any new environment, applies only after the person says yes in a native dialog that main shows
 * (electron-confirm-dialog.ts in the app; tests answer through a stand-in port). The dialog names
 * the environment and every origin it will talk to.
 */
export const CONFIRMED_FIELDS = ['issuer', 'domain', 'clientId', 'clientSecret', 'apis', 'proxy'] as const;
export type ConfirmedField = (typeof CONFIRMED_FIELDS)[number];

export interface ProfileChangeRequest {
  kind: 'add' | 'edit';
  /** The environment's label and id, as Settings shows them. */
  label: string;
  id: string;
  /** What changes where tokens or credentials go (empty for an added environment). */
  changed: ConfirmedField[];
  /** Every origin the environment will talk to: issuer, Hosted UI, APIs, pinned proxy. */
  origins: string[];
  /** The environment is signed in now: saving signs it out first. */
  signsOut: boolean;
}

export type ConfirmProfileChange = (request: ProfileChangeRequest) => Promise<boolean>;

const origin = (url: string) => new URL(url).origin;

function valueOf(profile: ResolvedProfile, field: ConfirmedField): string {
  switch (field) {
    case 'issuer':
      return profile.issuer;
    case 'domain':
      return profile.domain;
    case 'clientId':
      return profile.clientId;
    case 'clientSecret':
      // Compared, never shown: the request names the field only.
      return profile.clientSecret ?? '';
    case 'apis':
      return JSON.stringify(profile.apis.map((api) => [api.name, api.baseUrl, api.token ?? 'access']));
    case 'proxy':
      return JSON.stringify(profile.network.proxy);
  }
}

export function profileOrigins(profile: ResolvedProfile): string[] {
  const origins = [
    origin(profile.issuer),
    origin(profile.domain),
    ...profile.apis.map((a) => origin(a.baseUrl)),
  ];
  const proxy = profile.network.proxy;
  if (proxy !== 'system') origins.push(origin(proxy.url));
  return [...new Set(origins)];
}

export function describeProfileChange(
  previous: ResolvedProfile | undefined,
  next: ResolvedProfile,
  signedIn = false,
): ProfileChangeRequest | undefined {
  const base = { label: next.label, id: next.id, origins: profileOrigins(next) };
  if (!previous) return { kind: 'add', ...base, changed: [], signsOut: false };
  const changed = CONFIRMED_FIELDS.filter((field) => valueOf(previous, field) !== valueOf(next, field));
  if (changed.length === 0) return undefined;
  return { kind: 'edit', ...base, changed, signsOut: signedIn };
}

type Words = {
  addTitle: string;
  editTitle: string;
  talksTo: string;
  changed: string;
  signsOut: string;
  onlyYou: string;
  apply: string;
  cancel: string;
  fields: Record<ConfirmedField, string>;
};

const EN: Words = {
  addTitle: 'Add the environment "{label}"?',
  editTitle: 'Change where "{label}" signs in and sends requests?',
  talksTo: 'It will talk to:',
  changed: 'Changed: {fields}.',
  signsOut: 'You are signed in to this environment: saving signs you out first.',
  onlyYou: 'Only continue if you made this change yourself.',
  apply: 'Apply',
  cancel: 'Cancel',
  fields: {
    issuer: 'issuer',
    domain: 'sign-in domain',
    clientId: 'client id',
    clientSecret: 'client secret',
    apis: 'APIs',
    proxy: 'proxy',
  },
};

const DE: Words = {
  addTitle: 'Die Umgebung „{label}“ hinzufügen?',
  editTitle: 'Ändern, wo sich „{label}“ anmeldet und wohin Anfragen gehen?',
  talksTo: 'Sie wird mit diesen Adressen verbunden:',
  changed: 'Geändert: {fields}.',
  signsOut: 'Sie sind bei dieser Umgebung angemeldet: Beim Speichern werden Sie zuerst abgemeldet.',
  onlyYou: 'Fahren Sie nur fort, wenn Sie diese Änderung selbst vorgenommen haben.',
  apply: 'Übernehmen',
  cancel: 'Abbrechen',
  fields: {
    issuer: 'Aussteller',
    domain: 'Anmeldedomäne',
    clientId: 'Client-ID',
    clientSecret: 'Client-Geheimnis',
    apis: 'APIs',
    proxy: 'Proxy',
  },
};

/** The dialog's words in the app's language (main owns them, as it does the menu's). */
export function confirmationText(
  request: ProfileChangeRequest,
  language: Language = 'en',
): { message: string; detail: string; apply: string; cancel: string } {
  const base = language === 'de' ? DE : EN;
  const w = (text: string) => (language === 'en-XA' ? pseudoLocalize(text) : text);
  const title = request.kind === 'add' ? base.addTitle : base.editTitle;
  const lines: string[] = [];
  if (request.kind === 'edit') {
    lines.push(w(base.changed).replace('{fields}', request.changed.map((f) => w(base.fields[f])).join(', ')));
  }
  lines.push(w(base.talksTo), ...request.origins.map((o) => `  ${o}`));
  if (request.signsOut) lines.push('', w(base.signsOut));
  lines.push('', w(base.onlyYou));
  return {
    message: w(title).replace('{label}', request.label),
    detail: lines.join('\n'),
    apply: w(base.apply),
    cancel: w(base.cancel),
  };
}
