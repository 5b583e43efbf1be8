/**
 * The lazy react-intl object (src/renderer/src/i18n/lazy-intl.ts): every catalogue message in
 * every language reads exactly as react-intl's own object gives it, and plain text never touches
 * ICU (no Intl service is asked before the first message that needs one, or warm()).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIntl, createIntlCache } from 'react-intl';
import { createLazyIntl } from '../../src/renderer/src/i18n/lazy-intl';
import { en } from '../../src/renderer/src/i18n/en';
import { de } from '../../src/renderer/src/i18n/de';
import { pseudoLocalize } from '../../src/shared/languages';

const pseudo = Object.fromEntries(Object.entries(en).map(([id, text]) => [id, pseudoLocalize(text)]));
const CATALOGUES: Array<[string, string, Record<string, string>]> = [
  ['en', 'en', en],
  ['de', 'de', de],
  ['en-XA', 'en', pseudo],
];
// Values for the arguments a message names: a function for a rich-text tag (one letter, as the
// catalogues name them), a number otherwise (fits plurals and numbers, reads as text elsewhere).
function argumentsOf(text: string): Record<string, number | (() => string)> {
  const names = [...text.matchAll(/[{<]\s*\/?\s*([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  return Object.fromEntries(names.map((name) => [name, /^[a-z]$/.test(name) ? () => name : 3]));
}

afterEach(() => vi.restoreAllMocks());

describe('lazy intl', () => {
  it.each(CATALOGUES)('gives every %s message as react-intl does', (_, locale, messages) => {
    const errors: string[] = [];
    const config = { locale, defaultLocale: 'en', messages, onError: (e: Error) => errors.push(e.message) };
    const real = createIntl(config, createIntlCache());
    const lazy = createLazyIntl(config).intl;
    let compared = 0;
    for (const [id, text] of Object.entries(messages)) {
      const values = argumentsOf(text);
      expect(lazy.formatMessage({ id }, values), id).toEqual(real.formatMessage({ id }, values));
      compared++;
    }
    expect(compared).toBe(Object.keys(en).length);
    // A missing id goes to react-intl, which reports it and shows the id.
    expect(lazy.formatMessage({ id: 'no.such.id' })).toBe('no.such.id');
    expect(errors.some((m) => m.includes('no.such.id'))).toBe(true);
  });

  it('asks ICU nothing for plain text, and everything else from the real object', () => {
    const supported = vi.spyOn(Intl.NumberFormat, 'supportedLocalesOf');
    const numberFormat = vi.spyOn(Intl, 'NumberFormat');
    const lazy = createLazyIntl({
      locale: 'de',
      defaultLocale: 'en',
      messages: de,
      onError: () => undefined,
    });
    const plain = Object.entries(de).filter(([, text]) => !/[{}<']/.test(text));
    expect(plain.length).toBeGreaterThan(50);
    for (const [id, text] of plain) expect(lazy.intl.formatMessage({ id })).toBe(text);
    expect(lazy.intl.$t({ id: 'app.name' })).toBe(de['app.name']);
    expect(supported).not.toHaveBeenCalled();
    expect(numberFormat).not.toHaveBeenCalled();
    numberFormat.mockRestore();

    // Any other member makes the real object (react-intl checks the locale there).
    expect(lazy.intl.locale).toBe('de');
    expect(supported).toHaveBeenCalled();
    expect(lazy.intl.formatNumber(1234.5)).toBe('1.234,5');
  });

  it('warm() makes the real object at once, and only once', () => {
    const supported = vi.spyOn(Intl.NumberFormat, 'supportedLocalesOf');
    const lazy = createLazyIntl({
      locale: 'en',
      defaultLocale: 'en',
      messages: en,
      onError: () => undefined,
    });
    lazy.warm();
    const calls = supported.mock.calls.length;
    expect(calls).toBeGreaterThan(0);
    lazy.warm();
    void lazy.intl.formatDate(0);
    expect(supported.mock.calls.length).toBe(calls);
  });
});
