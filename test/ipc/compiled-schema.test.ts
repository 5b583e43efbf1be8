import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/main/ipc/compiled-schema';
import { findPayloadProblem } from '../../src/main/ipc/payload-guard';
import { invokeChannels, MAX_API_HEADERS, type InvokeChannel } from '../../src/shared/ipc-contract';
import { z } from 'zod';

/**
 * The precompiled validator at the IPC boundary (src/main/ipc/compiled-schema.ts) against zod
 * itself, channel by channel, on generated payloads that passed the payload guard (as in
 * handle()): it must never accept what zod refuses, and where zod refuses, the result must be
 * zod's own (same issues, so the renderer's error is unchanged).
 */
const channels = Object.keys(invokeChannels) as InvokeChannel[];

/** Strings near the contract's edges: bounded lengths, surrogate pairs, lone surrogates. */
const edgyString = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,66}$/),
  fc.integer({ min: 2040, max: 2056 }).map((n) => '/'.padEnd(n, 'a')),
  fc.integer({ min: 1018, max: 1030 }).map((n) => '/' + '\u{1F600}'.repeat(n)),
  fc.constantFrom('', '/', '\uD800', 'GET', 'POST', 'get', 'demo', 'a'.repeat(64), 'a'.repeat(65)),
);
const edgyNumber = fc.oneof(
  fc.integer({ min: -10, max: 130_000 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 99.5, 100, 120_000, 120_001, 2 ** 53, 2 ** 53 + 2),
);
const leaf = fc.oneof(edgyString, edgyNumber, fc.boolean(), fc.constant(null), fc.constant(undefined));
const headers = fc.oneof(
  fc.dictionary(edgyString, fc.oneof(edgyString, edgyNumber), { maxKeys: 4 }),
  fc
    .integer({ min: MAX_API_HEADERS - 2, max: MAX_API_HEADERS + 2 })
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v']))),
  leaf,
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(edgyNumber, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), edgyNumber, { maxKeys: 3 }),
  leaf,
);
/** Values for each key some request schema uses, near its edges. */
const fields: Record<string, fc.Arbitrary<unknown>> = {
  requestId: edgyString,
  api: edgyString,
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'), edgyString),
  path: edgyString,
  headers,
  body,
  timeoutMs: edgyNumber,
  profileId: edgyString,
  endHostedUiSession: fc.oneof(fc.boolean(), leaf),
  extra: leaf,
};
/** A valid request of every channel: mutations of these sit right at the accept/refuse line. */
const seeds: Array<Record<string, unknown>> = [
  {},
  { endHostedUiSession: true },
  { profileId: 'work' },
  { requestId: 'r1' },
  { requestId: 'r1', api: 'demo', method: 'GET', path: '/notes', headers: { accept: 'application/json' } },
  { requestId: 'r2', api: 'demo', method: 'POST', path: '/notes', body: { text: 'x' }, timeoutMs: 5000 },
];
/** A seed with up to two keys set to edge values or removed; or something else entirely. */
const payload = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(
        fc.oneof(
          ...Object.entries(fields).map(([key, arb]) => fc.tuple(fc.constant(key), arb)),
          fc.tuple(fc.constantFrom(...Object.keys(fields)), fc.constant(Symbol.for('delete'))),
        ),
        { maxLength: 2 },
      ),
    )
    .map(([seed, changes]) => {
      const out: Record<string, unknown> = { ...seed };
      for (const [key, value] of changes) {
        if (value === Symbol.for('delete')) delete out[key];
        else out[key] = value;
      }
      return out;
    }),
  fc.jsonValue({ maxDepth: 2 }),
  leaf,
);

describe('precompiled IPC request validator vs zod', () => {
  it('compiles the hot channel (api:request), so the fast path is really in use', () => {
    const compiled = compileSchema(invokeChannels['api:request'].request);
    expect(compiled.compiled).toBe(true);
    // A valid request is decided by the compiled validator: it hands back the payload itself
    // (zod's parse would return a copy).
    const valid = { requestId: 'r1', api: 'demo', method: 'GET', path: '/notes', headers: { accept: 'a/b' } };
    const result = compiled.safeParse(valid);
    expect(result.success && result.data).toBe(valid);
  });

  it.each(channels)('%s: never accepts what zod refuses; refusals are zod’s own', (channel) => {
    const schema = invokeChannels[channel].request as z.ZodType;
    const compiled = compileSchema(schema);
    fc.assert(
      fc.property(payload, (p) => {
        fc.pre(findPayloadProblem(p) === null);
        const fast = compiled.safeParse(p);
        const reference = schema.safeParse(p);
        expect(fast.success).toBe(reference.success);
        if (!fast.success && !reference.success) expect(fast.error.issues).toEqual(reference.error.issues);
      }),
      { numRuns: 3000 },
    );
  });

  it('edges zod refuses are refused: too many headers, NaN, Infinity, fractions, over-long strings', () => {
    const compiled = compileSchema(invokeChannels['api:request'].request);
    const base = { requestId: 'r1', api: 'demo', method: 'GET', path: '/notes' };
    const tooManyHeaders = Object.fromEntries(
      Array.from({ length: MAX_API_HEADERS + 1 }, (_, i) => [`x-h${i}`, 'v']),
    );
    for (const bad of [
      { ...base, headers: tooManyHeaders },
      { ...base, timeoutMs: NaN },
      { ...base, timeoutMs: Infinity },
      { ...base, timeoutMs: 150.5 },
      { ...base, method: 'POST', body: { n: NaN } },
      { ...base, path: '/'.padEnd(2049, 'a') },
      { ...base, requestId: 'a'.repeat(65) },
      { ...base, unknown: 1 },
    ]) {
      expect(compiled.safeParse(bad).success).toBe(false);
    }
    expect(compiled.safeParse({ ...base, headers: { accept: 'application/json' } }).success).toBe(true);
  });

  it('a refinement with no JSON Schema restatement keeps the schema on zod alone', () => {
    const refined = z.object({ n: z.number().refine((n) => n % 2 === 0) }).strict();
    const compiled = compileSchema(refined);
    expect(compiled.compiled).toBe(false);
    expect(compiled.safeParse({ n: 3 }).success).toBe(false);
    const transformed = z.object({ s: z.string().transform((s) => s.length) }).strict();
    expect(compileSchema(transformed).compiled).toBe(false);
  });
});
