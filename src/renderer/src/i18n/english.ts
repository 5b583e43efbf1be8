import { en, type MessageId } from './en';

/**
 * English text for code outside React (default arguments, tests): the catalogue's message with
 * simple `{name}` values filled in. Screens use useT() from ./index.tsx instead.
 */
export function english(id: MessageId, values?: Record<string, string | number>): string {
  let text: string = en[id];
  for (const [key, value] of Object.entries(values ?? {})) text = text.split(`{${key}}`).join(String(value));
  return text;
}
