/**
 * Where a JSON text stops being JSON, as a line and column, and nothing else.
 *
 * API:
 *   jsonErrorPosition(text) -> { line, column } | undefined   (1-based; undefined: valid JSON,
 *                                                              or no place found)
 *   describeJsonError(text) -> 'line L column C' | 'an unknown place'
 *
 * Why not V8's message: `JSON.parse` quotes the text around the error ("Unexpected token 's',
 * "{"a": secretvalu"... is not valid JSON"), and a policy or profile file with an unquoted secret
 * would put part of it into logs, error screens and diagnostics. Node 20 also gives no line or
 * column at all for some errors. So this scanner finds the first offending character itself,
 * following RFC 8259, and reports only its place.
 */
export interface JsonPosition {
  line: number;
  column: number;
}

const WS = new Set([' ', '\t', '\n', '\r']);

/** Offset of the first character that breaks the grammar (text.length: it ended too early). */
function errorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (at: number): never => {
    throw at;
  };
  const ws = () => {
    while (i < text.length && WS.has(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail(i);
      i++;
    }
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    if (i === start) fail(i);
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail(i);
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch < ' ') fail(i);
      if (ch === '\\') {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) fail(i + k);
          i += 5;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i++;
        else fail(i);
      } else i++;
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(i);
        string();
        ws();
        if (text[i] !== ':') fail(i);
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail(i);
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail(i);
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail(i);
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (at) {
    // Not a place (e.g. nesting deeper than the stack): the caller says "an unknown place".
    return typeof at === 'number' ? Math.min(at, text.length) : undefined;
  }
}

export function jsonErrorPosition(text: string): JsonPosition | undefined {
  const offset = errorOffset(text);
  if (offset === undefined) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Text for an error message: the place only, never the characters found there. */
export function describeJsonError(text: string): string {
  const at = jsonErrorPosition(text);
  if (!at) return 'an unknown place';
  return `line ${at.line} column ${at.column}`;
}
