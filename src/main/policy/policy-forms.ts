import plist from 'plist';
import { AppError } from '../../shared/errors';
import { describeJsonError } from '../../shared/json-position';
import { POLICY_BOOLEAN_KEYS } from './policy-schema';

/**
 * Turning each OS's policy form into one plain object for `PolicySchema`.
 *
 * API:
 *   fromJsonText(text, source)        Linux `/etc/cognito-desktop/policy.json`
 *   fromPlistXml(xml, source)         macOS managed preferences (XML form; the macOS reader
 *                                     converts a binary plist with `plutil` first)
 *   fromRegQuery(output, rootKey, source)
 *                                     Windows: the text of `reg query "<rootKey>" /s`
 *   PolicyError                       CONFIG_INVALID naming the source and the key
 *
 * The readers that touch the OS are in `policy-sources.ts` and stay thin; everything here is
 * pure and tested with fixtures of all three forms.
 *
 * Registry conventions (as Chrome's and Edge's policies use them): one value per key, named as
 * in the JSON form; a nested object is a subkey (`...\Cognito Desktop\updates` holds `enabled`,
 * `feedUrl`); a list or object may also be one REG_SZ holding JSON (how admins write
 * `profiles`); booleans are REG_DWORD 0 or 1.
 */

/** A policy that cannot be used: the app fails closed and shows the source and the key. */
export class PolicyError extends AppError {
  readonly source: string;
  readonly key: string;
  readonly detail: string;

  constructor(source: string, key: string, detail: string) {
    // Policy values may hold URLs and ids, never secrets; still, name the key, not the value.
    super('CONFIG_INVALID', `Organisation policy ${source}: ${key ? `key ${key}: ` : ''}${detail}`);
    this.name = 'PolicyError';
    this.source = source;
    this.key = key;
    this.detail = detail;
  }
}

/** Policy documents are small; a huge one is a mistake or an attack, not a policy. */
export const MAX_POLICY_BYTES = 512 * 1024;

function checkSize(text: string, source: string): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    throw new PolicyError(source, '', `larger than ${MAX_POLICY_BYTES} bytes`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fromJsonText(text: string, source: string): Record<string, unknown> {
  checkSize(text, source);
  const json = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // V8's message quotes the text near the error (maybe a secret): the place only.
    throw new PolicyError(source, '', `not valid JSON (at ${describeJsonError(json)})`);
  }
  if (!isPlainObject(value)) throw new PolicyError(source, '', 'must be a JSON object');
  return value;
}

export function fromPlistXml(xml: string, source: string): Record<string, unknown> {
  checkSize(xml, source);
  let value: unknown;
  try {
    value = plist.parse(xml);
  } catch {
    // The parser's message may name text from the document: say only that it does not parse.
    throw new PolicyError(source, '', 'not a valid property list');
  }
  if (!isPlainObject(value)) throw new PolicyError(source, '', 'the property list must be a dictionary');
  // Configuration profiles add their own bookkeeping keys to the managed preferences.
  const { PayloadUUID: _u, PayloadIdentifier: _i, PayloadType: _t, PayloadVersion: _v, ...rest } = value;
  return plainDates(rest) as Record<string, unknown>;
}

/** plist dates become Date objects; the schema has no dates, so keep them as ISO text. */
function plainDates(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainDates);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainDates(v)]));
  return value;
}

// `    name    REG_TYPE    data` (data may be empty). Names may contain single spaces.
const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

/**
 * Parses `reg query "<rootKey>" /s`. Key lines are full paths (`HKEY_LOCAL_MACHINE\...`); the
 * root may be given abbreviated (`HKLM\...`), as it is passed to reg.exe.
 */
export function fromRegQuery(output: string, rootKey: string, source: string): Record<string, unknown> {
  checkSize(output, source);
  const root = expandHive(rootKey).toLowerCase();
  const result: Record<string, unknown> = {};
  let current: Record<string, unknown> | undefined;
  let currentPath: string[] = [];
  for (const rawLine of output.split(/\r?\n/)) {
    const line = rawLine.replace(/\s+$/, '');
    if (line === '') continue;
    if (!line.startsWith(' ')) {
      const key = line.toLowerCase();
      if (key !== root && !key.startsWith(`${root}\\`)) {
        throw new PolicyError(source, '', `unexpected registry key ${line}`);
      }
      currentPath = line.length > root.length ? line.slice(root.length + 1).split('\\') : [];
      current = result;
      for (const part of currentPath) {
        const next: unknown = current[part];
        if (next !== undefined && !isPlainObject(next)) {
          throw new PolicyError(source, currentPath.join('.'), 'is both a value and a subkey');
        }
        current = (next as Record<string, unknown> | undefined) ?? (current[part] = {});
      }
      continue;
    }
    const match = VALUE_LINE.exec(line);
    if (!match || !current) throw new PolicyError(source, '', `unreadable registry line: ${line.trim()}`);
    const [, name, type, data = ''] = match as unknown as [string, string, string, string | undefined];
    const keyPath = [...currentPath, name].join('.');
    if (name === '(Default)') continue; // a key's unnamed default value carries no policy
    current[name] = registryValue(type, data, keyPath, source);
  }
  coerceBooleans(result, source);
  return result;
}

function expandHive(key: string): string {
  return key
    .replace(/^HKLM\\/i, 'HKEY_LOCAL_MACHINE\\')
    .replace(/^HKCU\\/i, 'HKEY_CURRENT_USER\\')
    .replace(/\\+$/, '');
}

function registryValue(type: string, data: string, keyPath: string, source: string): unknown {
  switch (type) {
    case 'REG_DWORD':
    case 'REG_QWORD': {
      if (!/^0x[0-9a-f]+$/i.test(data)) throw new PolicyError(source, keyPath, `bad ${type} ${data}`);
      return Number.parseInt(data.slice(2), 16);
    }
    case 'REG_SZ':
    case 'REG_EXPAND_SZ': {
      const trimmed = data.trim();
      if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
        try {
          return JSON.parse(trimmed) as unknown;
        } catch {
          throw new PolicyError(source, keyPath, 'looks like JSON but does not parse');
        }
      }
      return data;
    }
    case 'REG_MULTI_SZ':
      // reg.exe prints the strings separated by a literal "\0".
      return data === '' ? [] : data.split('\\0').filter((s) => s !== '');
    default:
      throw new PolicyError(source, keyPath, `registry type ${type} is not used by any policy`);
  }
}

/** DWORD 0/1 -> boolean at the boolean keys; any other number there is an error. */
function coerceBooleans(doc: Record<string, unknown>, source: string): void {
  for (const key of POLICY_BOOLEAN_KEYS) {
    const parts = key.split('.');
    const last = parts.pop() as string;
    let holder: unknown = doc;
    for (const part of parts) holder = isPlainObject(holder) ? holder[part] : undefined;
    if (!isPlainObject(holder) || !(last in holder)) continue;
    const value = holder[last];
    if (value === 0 || value === 1) holder[last] = value === 1;
    else if (typeof value === 'number')
      throw new PolicyError(source, key, 'a REG_DWORD boolean must be 0 or 1');
  }
}
