import { createIntl, createIntlCache, type IntlConfig, type IntlShape } from 'react-intl';

/**
 * An `IntlShape` whose real react-intl object (and so the browser's ICU) is made on first need,
 * not when the first screen renders.
 *
 * Why: the first use of any Intl service in a fresh renderer process (NumberFormat,
 * DateTimeFormat, supportedLocalesOf) loads ICU's locale data, 11-12 ms in Chromium here
 * (`npm run bench renderer-start`; docs/performance.md), and react-intl's createIntl makes that
 * first use at once (it checks the locale with `Intl.NumberFormat.supportedLocalesOf`). The
 * signed-out first screen shows only plain catalogue text, which needs no ICU.
 *
 * Promises:
 * - `formatMessage` / `$t` of a message that is plain text (no `{`, `}`, `<` or `'`: nothing
 *   ICU MessageFormat would read as syntax) return the catalogue text itself, exactly what
 *   react-intl returns for it. Anything else (arguments, plurals, rich text, an id missing from
 *   the catalogue, a descriptor with a default message) goes to the real object.
 * - Every other member (locale, formatDate, formatNumber, textComponent, ...) is the real
 *   object's, made at the first read.
 * - `warm()` makes the real object now: the provider calls it once the first screen is up, when
 *   the browser is idle, so the first date on a later screen does not pay for ICU either.
 */
export interface LazyIntl {
  intl: IntlShape;
  warm(): void;
}

const ICU_SYNTAX = /[{}<']/;

export function createLazyIntl(config: IntlConfig): LazyIntl {
  const cache = createIntlCache();
  let real: IntlShape | undefined;
  const make = (): IntlShape => (real ??= createIntl(config, cache));
  const messages = config.messages as Record<string, unknown> | undefined;

  const plainText = (descriptor: unknown): string | undefined => {
    const { id, defaultMessage } = (descriptor ?? {}) as { id?: unknown; defaultMessage?: unknown };
    if (typeof id !== 'string' || defaultMessage !== undefined || !messages) return undefined;
    if (!Object.prototype.hasOwnProperty.call(messages, id)) return undefined;
    const text = messages[id];
    return typeof text === 'string' && text !== '' && !ICU_SYNTAX.test(text) ? text : undefined;
  };
  const formatMessage = ((descriptor: unknown, ...rest: unknown[]) =>
    plainText(descriptor) ??
    (make().formatMessage as (...args: unknown[]) => unknown)(
      descriptor,
      ...rest,
    )) as IntlShape['formatMessage'];

  const intl = new Proxy({} as IntlShape, {
    get(_, key) {
      if (key === 'formatMessage' || key === '$t') return formatMessage;
      return Reflect.get(make(), key);
    },
    has: (_, key) => Reflect.has(make(), key),
    ownKeys: () => Reflect.ownKeys(make()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(make(), key);
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
  });
  return { intl, warm: () => void make() };
}
