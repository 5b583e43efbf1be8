import { pseudoLocalize, type Language } from '../../shared/languages';
import type { ConfirmRequest } from './confirm-port';

/**
 * The words of main's confirmation dialogs (the renderer's catalogue is not loaded in main), in
 * each language, naming the operation and the user. The pseudo-locale derives from English.
 */
export type AdminChange =
  | { op: 'add-to-group'; group: string }
  | { op: 'remove-from-group'; group: string }
  | { op: 'disable' }
  | { op: 'enable' }
  | { op: 'global-sign-out' };

type Texts = Record<
  AdminChange['op'] | 'own-global-sign-out' | 'revoke-session',
  { message: string; detail: string; confirm: string }
>;

const EN: Texts = {
  'add-to-group': {
    message: 'Add the user "{user}" to the group "{group}"?',
    detail: 'They get the group’s permissions the next time they sign in or their tokens are refreshed.',
    confirm: 'Add to group',
  },
  'remove-from-group': {
    message: 'Remove the user "{user}" from the group "{group}"?',
    detail: 'They lose the group’s permissions the next time they sign in or their tokens are refreshed.',
    confirm: 'Remove from group',
  },
  disable: {
    message: 'Disable the user "{user}"?',
    detail:
      'They can no longer sign in, and their sign-ins stop refreshing, until the user is enabled again.',
    confirm: 'Disable',
  },
  enable: {
    message: 'Enable the user "{user}"?',
    detail: 'They can sign in again.',
    confirm: 'Enable',
  },
  'global-sign-out': {
    message: 'Sign the user "{user}" out everywhere?',
    detail: 'Every device they are signed in on must sign in again within the hour.',
    confirm: 'Sign out everywhere',
  },
  'own-global-sign-out': {
    message: 'Sign out everywhere as "{user}"?',
    detail: 'Every device you are signed in on, this one included, must sign in again.',
    confirm: 'Sign out everywhere',
  },
  'revoke-session': {
    message: 'Sign out the session "{session}" of "{user}"?',
    detail: 'That device must sign in again.',
    confirm: 'Sign out this session',
  },
};

const DE: Texts = {
  'add-to-group': {
    message: 'Den Benutzer „{user}“ zur Gruppe „{group}“ hinzufügen?',
    detail: 'Die Berechtigungen der Gruppe gelten ab der nächsten Anmeldung oder Token-Erneuerung.',
    confirm: 'Zur Gruppe hinzufügen',
  },
  'remove-from-group': {
    message: 'Den Benutzer „{user}“ aus der Gruppe „{group}“ entfernen?',
    detail: 'Die Berechtigungen der Gruppe entfallen ab der nächsten Anmeldung oder Token-Erneuerung.',
    confirm: 'Aus der Gruppe entfernen',
  },
  disable: {
    message: 'Den Benutzer „{user}“ deaktivieren?',
    detail:
      'Er kann sich nicht mehr anmelden, und seine Anmeldungen werden nicht mehr erneuert, bis er wieder aktiviert wird.',
    confirm: 'Deaktivieren',
  },
  enable: {
    message: 'Den Benutzer „{user}“ aktivieren?',
    detail: 'Er kann sich wieder anmelden.',
    confirm: 'Aktivieren',
  },
  'global-sign-out': {
    message: 'Den Benutzer „{user}“ überall abmelden?',
    detail: 'Jedes Gerät, auf dem er angemeldet ist, muss sich innerhalb einer Stunde neu anmelden.',
    confirm: 'Überall abmelden',
  },
  'own-global-sign-out': {
    message: 'Als „{user}“ überall abmelden?',
    detail: 'Jedes Gerät, auf dem Sie angemeldet sind, auch dieses, muss sich neu anmelden.',
    confirm: 'Überall abmelden',
  },
  'revoke-session': {
    message: 'Die Sitzung „{session}“ von „{user}“ abmelden?',
    detail: 'Dieses Gerät muss sich neu anmelden.',
    confirm: 'Diese Sitzung abmelden',
  },
};

const CANCEL: Record<'en' | 'de', string> = { en: 'Cancel', de: 'Abbrechen' };

export function confirmText(
  language: Language,
  kind: keyof Texts,
  values: { user: string; group?: string; session?: string },
): ConfirmRequest {
  const texts = language === 'de' ? DE : EN;
  // Names are filled in after pseudo-localising, so the pseudo-locale keeps them readable.
  const fill = (template: string) =>
    (language === 'en-XA' ? pseudoLocalize(template) : template)
      .replace('{user}', values.user)
      .replace('{group}', values.group ?? '')
      .replace('{session}', values.session ?? '');
  const t = texts[kind];
  return {
    message: fill(t.message),
    detail: fill(t.detail),
    confirmLabel: fill(t.confirm),
    cancelLabel: language === 'de' ? CANCEL.de : fill(CANCEL.en),
  };
}
