/**
 * The app's languages and how one is chosen, shared by main (menu, Hosted UI `lang`) and the
 * renderer (all screen text), so both always speak the same language.
 *
 * Contract:
 * - `resolveLanguage(setting, preferred)` returns one of SUPPORTED_LANGUAGES: the Settings
 *   override when it is not 'system', else the first OS language whose primary subtag we have
 *   ('de-AT' -> 'de'), else English. It never throws on odd input.
 * - `pseudoLocalize(text)` swaps every ASCII letter for an accented look-alike and leaves ICU
 *   placeholders (`{name}`, `{count, plural, ...}` keywords and argument names) intact, so a
 *   screen in the pseudo-locale shows at a glance, and a test proves, which text bypassed the
 *   message catalogue: any plain ASCII letter left on screen is not translated.
 */
export const SUPPORTED_LANGUAGES = ['en', 'de', 'en-XA'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const LANGUAGE_SETTINGS = ['system', 'en', 'de', 'en-XA'] as const;
export type LanguageSetting = (typeof LANGUAGE_SETTINGS)[number];
export const PSEUDO_LOCALE: Language = 'en-XA';

export function resolveLanguage(setting: LanguageSetting, preferred: readonly string[]): Language {
  if (setting !== 'system') return setting;
  for (const tag of preferred) {
    const primary = String(tag).toLowerCase().split(/[-_]/)[0];
    if (primary === 'de') return 'de';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** The language tag Intl formats with: the pseudo-locale formats like English. */
export function intlLocale(language: Language): string {
  return language === PSEUDO_LOCALE ? 'en' : language;
}

/** The Hosted UI's `lang` parameter (Cognito managed login): none for the pseudo-locale. */
export function hostedUiLanguage(language: Language): string | undefined {
  return language === PSEUDO_LOCALE ? undefined : language;
}

const LOWER = 'áƀçďéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýž';
const UPPER = 'ÁßÇĎÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ';

function accent(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 97 && code <= 122) out += LOWER[code - 97];
    else if (code >= 65 && code <= 90) out += UPPER[code - 65];
    else out += ch;
  }
  return out;
}

/**
 * Accents literal text only. Inside braces, the argument name and type (`{count, plural,`) and
 * the plural/select keys stay as they are; nested message parts (`one {# note}`) are accented.
 */
export function pseudoLocalize(message: string): string {
  let out = '';
  // For each open brace: does its content hold message text (true) or an argument header
  // (`count, plural, one `: false)? Top level is message text. Rich-text tags (`<b>`) stay.
  const stack: boolean[] = [];
  let inTag = false;
  for (const ch of message) {
    const inMessage = stack.length === 0 || stack[stack.length - 1] === true;
    if (inTag) {
      out += ch;
      if (ch === '>') inTag = false;
    } else if (ch === '<' && inMessage) {
      inTag = true;
      out += ch;
    } else if (ch === '{') {
      // A brace in message text opens an argument header; one in a header opens nested text.
      stack.push(!inMessage);
      out += ch;
    } else if (ch === '}') {
      stack.pop();
      out += ch;
    } else {
      out += inMessage ? accent(ch) : ch;
    }
  }
  return `⟦${out}⟧`;
}
