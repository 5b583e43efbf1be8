/**
 * The warning before a session's known end (issue 28): Cognito never extends a refresh-token
 * family, so when the published state says `sessionEndsAt`, a native notification comes
 * `leadMs` before it (10 minutes by default, or at once when less is left), once per end, with a
 * "Sign in again" action that starts a sign-in beside the current session (Session.signInAgain:
 * the current one goes on until the new one is saved).
 *
 *   const notice = followSessionEnd({ session, notifier, language, clock?, leadMs?, log? })
 *   notice.dispose()
 *
 * The notifier is a port (electron-notifier.ts is the Electron glue); the words are main's own,
 * in the app's language, like the menu's.
 */
import { intlLocale, pseudoLocalize, type Language } from '../../shared/languages';
import type { SessionState } from '../../shared/session-state';
import type { Clock } from '../auth/clock';
import { systemClock } from '../auth/clock';
import type { SessionController } from '../auth/session-controller';
import type { Logger } from '../log/logger';

export interface SessionEndNoticeText {
  title: string;
  body: string;
  action: string;
}

export interface SessionEndNotifier {
  /** Shows the notice; `onAction` runs when the user picks its action (or clicks it, where no buttons exist). */
  show(notice: SessionEndNoticeText, onAction: () => void): { close(): void };
}

export const SESSION_END_WARNING_LEAD_MS = 10 * 60_000;

const WORDS = {
  en: {
    title: 'Your session ends at {time}',
    body: 'Sign in again now to keep working without interruption.',
    action: 'Sign in again',
  },
  de: {
    title: 'Ihre Sitzung endet um {time}',
    body: 'Melden Sie sich jetzt erneut an, um ohne Unterbrechung weiterzuarbeiten.',
    action: 'Erneut anmelden',
  },
} as const;

/** The notice in `language` for an end at `endsAt` (local time, hours and minutes). */
export function sessionEndNoticeText(language: Language, endsAt: number): SessionEndNoticeText {
  const words = language === 'de' ? WORDS.de : WORDS.en;
  const time = new Intl.DateTimeFormat(intlLocale(language), { hour: '2-digit', minute: '2-digit' }).format(
    endsAt,
  );
  const text = { ...words, title: words.title.replace('{time}', time) };
  if (language !== 'en-XA') return text;
  return {
    title: pseudoLocalize(text.title),
    body: pseudoLocalize(text.body),
    action: pseudoLocalize(text.action),
  };
}

export interface FollowSessionEndOptions {
  session: SessionController;
  notifier: SessionEndNotifier;
  language: () => Language;
  clock?: Clock;
  leadMs?: number;
  log?: Logger;
}

export function followSessionEnd(options: FollowSessionEndOptions): { dispose(): void } {
  const clock = options.clock ?? systemClock;
  const leadMs = options.leadMs ?? SESSION_END_WARNING_LEAD_MS;
  /** The end the timer or the shown notice is for; a new end (a new sign-in) plans again. */
  let plannedFor: number | undefined;
  let timer: unknown;
  let shown: { close(): void } | undefined;

  const clear = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    shown?.close();
    shown = undefined;
  };

  const warn = (endsAt: number) => {
    timer = undefined;
    shown = options.notifier.show(sessionEndNoticeText(options.language(), endsAt), () => {
      const again = options.session.signInAgain ?? options.session.signIn;
      again.call(options.session).catch((err: unknown) => {
        options.log?.warn('sign-in again from the notice did not finish', {
          code: (err as { code?: unknown }).code,
        });
      });
    });
    options.log?.info('session end warning shown', { endsInMs: endsAt - clock.now() });
  };

  const follow = (state: SessionState) => {
    const endsAt = state.status === 'signed-in' ? state.sessionEndsAt : undefined;
    if (endsAt === plannedFor) return;
    clear();
    plannedFor = endsAt;
    if (endsAt === undefined) return;
    const now = clock.now();
    if (endsAt <= now) return;
    timer = clock.setTimeout(() => warn(endsAt), Math.max(0, endsAt - leadMs - now));
  };

  follow(options.session.getState());
  const off = options.session.onChanged(follow);
  return {
    dispose() {
      off();
      clear();
    },
  };
}
