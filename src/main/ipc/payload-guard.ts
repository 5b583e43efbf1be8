import { MAX_IPC_PAYLOAD_BYTES, MAX_IPC_PAYLOAD_DEPTH } from '../../shared/ipc-contract';

/**
 * Checks an IPC argument before the schema sees it. Zod refuses unknown keys, but it would
 * still walk a huge or very deep value (stack and CPU), and `__proto__` keys survive a
 * structured clone as own properties that a careless spread or merge could later act on.
 * The walk is bounded: it stops at the first problem and never visits more than the byte
 * budget allows.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type PayloadProblem = 'too-large' | 'too-deep' | 'forbidden-key' | 'not-plain-data';

export function findPayloadProblem(
  payload: unknown,
  limits: { maxBytes?: number; maxDepth?: number } = {},
): PayloadProblem | null {
  const maxBytes = limits.maxBytes ?? MAX_IPC_PAYLOAD_BYTES;
  const maxDepth = limits.maxDepth ?? MAX_IPC_PAYLOAD_DEPTH;
  let bytes = 0;
  // Two parallel stacks rather than a [value, depth] pair per node: no allocation per value
  // (this runs on every invoke, api:request included).
  const values: unknown[] = [payload];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (depth > maxDepth) return 'too-deep';
    switch (typeof value) {
      case 'string':
        // Counted in UTF-16 code units, as a structured clone roughly sizes them.
        bytes += value.length + 2;
        break;
      case 'number':
      case 'boolean':
        bytes += 8;
        break;
      case 'undefined':
        bytes += 1;
        break;
      case 'object': {
        if (value === null) {
          bytes += 4;
          break;
        }
        if (Array.isArray(value)) {
          bytes += 2;
          for (let i = value.length - 1; i >= 0; i--) {
            values.push(value[i]);
            depths.push(depth + 1);
          }
          break;
        }
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) return 'not-plain-data';
        bytes += 2;
        for (const key of Reflect.ownKeys(value)) {
          if (typeof key !== 'string') return 'not-plain-data';
          if (FORBIDDEN_KEYS.has(key)) return 'forbidden-key';
          bytes += key.length + 3;
          values.push((value as Record<string, unknown>)[key]);
          depths.push(depth + 1);
        }
        break;
      }
      default:
        // functions, symbols, bigints: never produced by a structured clone of plain data
        return 'not-plain-data';
    }
    if (bytes > maxBytes) return 'too-large';
  }
  return null;
}
