import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { RawIntlProvider, useIntl, type IntlConfig, type IntlShape } from 'react-intl';
import { intlLocale, PSEUDO_LOCALE, pseudoLocalize, type Language } from '../../../shared/languages';
import { en, type MessageId } from './en';
import { createLazyIntl } from './lazy-intl';

/**
 * All screen text goes through here: react-intl (FormatJS) with one catalogue per language
 * (en.ts is the source, de.ts must have every id: the type says so), and the pseudo-locale
 * en-XA derived from English. Dates, times, relative times and numbers go through Intl
 * (react-intl's formatters) in the same locale.
 *
 * English is in the entry chunk; German loads on first use (its own chunk) and the pseudo-locale
 * is derived on first use, so a start in English neither ships nor builds them. Until a language's
 * catalogue is there, the language shown so far stays (nothing at all on a first start in it:
 * the catalogue is a local file, a few milliseconds).
 */
export type { MessageId };
export type MessageValues = Record<
  string,
  string | number | ReactNode | ((chunks: ReactNode[]) => ReactNode)
>;

type Catalogue = Record<MessageId, string>;
const catalogues: Partial<Record<Language, Catalogue>> = { en };
const LOADERS: Record<Exclude<Language, 'en'>, () => Promise<Catalogue>> = {
  de: () => import('./de').then((m) => m.de),
  'en-XA': () =>
    Promise.resolve(
      Object.fromEntries(Object.entries(en).map(([id, text]) => [id, pseudoLocalize(text)])) as Catalogue,
    ),
};

function loadCatalogue(language: Language): Promise<Catalogue> {
  const ready = catalogues[language];
  if (ready) return Promise.resolve(ready);
  return LOADERS[language as Exclude<Language, 'en'>]().then((catalogue) => {
    catalogues[language] = catalogue;
    return catalogue;
  });
}

// A missing id is a type error already; say loudly if one slips through anyway. One function
// for every render: a new one each time would make IntlProvider build a new intl object.
const onIntlError: NonNullable<IntlConfig['onError']> = (error) => console.error(`i18n: ${error.message}`);

const LanguageContext = createContext<Language>('en');
export const useLanguage = () => useContext(LanguageContext);

export function I18nProvider(props: { language: Language; children: ReactNode }) {
  const [loaded, setLoaded] = useState<Language | null>(null);
  const wanted = props.language;
  useEffect(() => {
    let current = true;
    void loadCatalogue(wanted)
      .then(() => {
        if (current) setLoaded(wanted);
      })
      .catch((error: unknown) => console.error(`i18n: no catalogue for ${wanted}: ${String(error)}`));
    return () => {
      current = false;
    };
  }, [wanted]);
  const language = catalogues[wanted] ? wanted : loaded;
  const messages = language ? catalogues[language] : undefined;
  // ICU is loaded on first need, not by the first screen's plain text (lazy-intl.ts); once that
  // screen is up, the real formatter is made while the browser is idle.
  const lazy = useMemo(
    () =>
      language && messages
        ? createLazyIntl({
            locale: intlLocale(language),
            defaultLocale: 'en',
            messages,
            onError: onIntlError,
          })
        : undefined,
    [language, messages],
  );
  useEffect(() => {
    if (!lazy) return;
    const idle = globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 1));
    const cancel = globalThis.cancelIdleCallback ?? clearTimeout;
    const handle = idle(() => lazy.warm());
    return () => cancel(handle as never);
  }, [lazy]);
  if (!language || !lazy) return null;
  return (
    <LanguageContext.Provider value={language}>
      <RawIntlProvider value={lazy.intl}>{props.children}</RawIntlProvider>
    </LanguageContext.Provider>
  );
}

export type Translate = {
  (id: MessageId, values?: Record<string, string | number>): string;
};

/** `t('id', { name })` for plain strings (labels, attributes). Rich text: <Msg id values />. */
export function useT(): Translate {
  const intl = useIntl();
  return useCallback<Translate>((id, values) => intl.formatMessage({ id }, values), [intl]);
}

export function Msg(props: { id: MessageId; values?: MessageValues }) {
  const intl = useIntl();
  return (
    <>{intl.formatMessage({ id: props.id }, props.values as Parameters<IntlShape['formatMessage']>[1])}</>
  );
}

export { english } from './english';

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 1000],
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000],
];

/** Intl formatting in the app's language. */
export function useFormat() {
  const intl = useIntl();
  // The pseudo-locale formats all-numeric (24-hour, no month names), so every letter it shows
  // comes from the catalogue and the untranslated-text check stays exact.
  const numeric = useLanguage() === PSEUDO_LOCALE;
  return useMemo(
    () => ({
      /** 14:05:09 / 2:05:09 PM */
      time: (epochMs: number) =>
        intl.formatTime(epochMs, {
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          ...(numeric ? { hourCycle: 'h23' as const } : {}),
        }),
      /** An axis label: 14:05 (or 14:05:09 when the ticks are seconds apart). */
      axisTime: (epochMs: number, withSeconds: boolean) =>
        intl.formatTime(epochMs, {
          hour: '2-digit',
          minute: '2-digit',
          ...(withSeconds ? { second: '2-digit' as const } : {}),
          ...(numeric ? { hourCycle: 'h23' as const } : {}),
        }),
      /** Date and time, for tooltips and detail views. */
      dateTime: (epochMs: number) =>
        numeric
          ? intl.formatDate(epochMs, {
              year: 'numeric',
              month: '2-digit',
              day: '2-digit',
              hour: '2-digit',
              minute: '2-digit',
              second: '2-digit',
              hourCycle: 'h23',
            })
          : intl.formatDate(epochMs, { dateStyle: 'medium', timeStyle: 'medium' }),
      /** "5 minutes ago", "in 30 seconds", "vor 2 Tagen". */
      relative: (epochMs: number, now: number) => {
        const delta = epochMs - now;
        const abs = Math.abs(delta);
        let unit: Intl.RelativeTimeFormatUnit = 'second';
        let size = 1000;
        for (const [u, ms] of RELATIVE_UNITS) if (abs >= ms) [unit, size] = [u, ms];
        return intl.formatRelativeTime(Math.round(delta / size), unit, { numeric: 'auto' });
      },
      number: (value: number) => intl.formatNumber(value),
    }),
    [intl, numeric],
  );
}
