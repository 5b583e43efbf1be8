import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';

/**
 * A request schema of the IPC contract, compiled once into a precompiled validator (ajv, from
 * the schema's own JSON Schema as zod 4 writes it) that decides the common case, a valid
 * request, without running zod's parser. Promises:
 * - It never accepts what the zod schema refuses. Only schemas whose every check has an exact
 *   JSON Schema form are compiled; a refinement (`.refine`) counts only where the contract
 *   restates it through `.meta({ refinementAsJsonSchema: {...} })` (e.g. the header count as
 *   `maxProperties`). Anything else (transforms, formats ajv does not know, a refinement without
 *   its restatement) leaves the channel on zod alone. test/ipc/compiled-schema.test.ts checks
 *   every channel against zod on generated payloads.
 * - A payload the validator refuses goes to zod, so the error the renderer sees (code and
 *   message) is zod's, the same as without the fast path.
 * - Lengths count code points in both (zod 4 and ajv agree); NaN and Infinity are refused by
 *   both (ajv's strictNumbers).
 * Why: at the IPC boundary zod's parse was the largest single cost of an `api:request` beyond
 * the HTTP round trip itself (npm run bench ipc; docs/performance.md).
 * The payload guard (payload-guard.ts) runs first, so the value is plain, bounded data.
 */

export interface CompiledSchema<T> {
  /** True when the fast path is in use for this schema. */
  readonly compiled: boolean;
  safeParse(payload: unknown): z.ZodSafeParseResult<T>;
}

const ajv = new Ajv2020({ allErrors: false, strict: true, validateFormats: true });

/** Schema kinds whose meaning JSON Schema cannot state: never compiled. */
const OPAQUE_TYPES = new Set([
  'transform',
  'pipe',
  'custom',
  'default',
  'prefault',
  'catch',
  'promise',
  'function',
  'success',
  'nan',
  'date',
  'bigint',
  'symbol',
  'map',
  'set',
  'file',
]);

interface ZodInternals {
  _zod: { def: { type: string; checks?: Array<{ _zod: { def: { check: string } } }> } };
}

/** Replaces every `refinementAsJsonSchema` key by its content (recursively), in place. */
function applyRestatements(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) applyRestatements(item);
    return;
  }
  const record = node as Record<string, unknown>;
  const restated = record['refinementAsJsonSchema'];
  if (restated !== undefined) {
    delete record['refinementAsJsonSchema'];
    Object.assign(record, restated);
  }
  for (const value of Object.values(record)) applyRestatements(value);
}

function jsonSchemaOf(schema: z.ZodType): object | undefined {
  let exact = true;
  const refinements = new Set<unknown>();
  const restated = new Set<unknown>();
  const jsonSchema = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    cycles: 'ref',
    override: ({ zodSchema }) => {
      const def = (zodSchema as unknown as ZodInternals)._zod.def;
      if (OPAQUE_TYPES.has(def.type)) exact = false;
      const custom = (def.checks ?? []).filter((c) => c._zod.def.check === 'custom');
      const meta = z.globalRegistry.get(zodSchema as unknown as z.ZodType) as
        Record<string, unknown> | undefined;
      for (const check of custom) {
        refinements.add(check);
        if (meta?.['refinementAsJsonSchema'] !== undefined) restated.add(check);
      }
    },
  });
  for (const check of refinements) if (!restated.has(check)) exact = false;
  if (!exact) return undefined;
  applyRestatements(jsonSchema);
  return jsonSchema;
}

export function compileSchema<S extends z.ZodType>(schema: S): CompiledSchema<z.output<S>> {
  let validate: ((data: unknown) => boolean) | undefined;
  try {
    const jsonSchema = jsonSchemaOf(schema);
    if (jsonSchema !== undefined) validate = ajv.compile(jsonSchema);
  } catch {
    validate = undefined; // not representable, or a keyword ajv refuses: zod alone
  }
  return {
    compiled: validate !== undefined,
    safeParse(payload) {
      // Accepted: the schemas have no transforms, so zod's output would be this same data.
      if (validate?.(payload) === true) return { success: true, data: payload as z.output<S> };
      return schema.safeParse(payload) as z.ZodSafeParseResult<z.output<S>>;
    },
  };
}
