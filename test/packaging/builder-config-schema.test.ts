import { Ajv, type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * electron-builder.yml against electron-builder's own configuration schema
 * (app-builder-lib/scheme.json, JSON Schema draft-07), with a real validator (ajv, the one
 * electron-builder itself uses). Options as electron-builder's: `strict: false`, because the
 * schema carries a non-standard `typeof: "function"` keyword for hook options; but no type
 * coercion, so a quoted boolean fails here even though electron-builder would coerce it.
 */
const root = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(
  readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

const loadConfig = () =>
  parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

const describeErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

describe('electron-builder.yml', () => {
  it('is valid against app-builder-lib/scheme.json', () => {
    const config = loadConfig();
    const valid = validate(config);
    expect(describeErrors(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the validator rejects what electron-builder would reject (it is not vacuous)', () => {
    const misspelt = { ...loadConfig(), protocol: [{ name: 'x', schemes: ['x'] }] };
    expect(validate(misspelt)).toBe(false);
    const badType = { ...loadConfig(), asar: 'yes please' };
    expect(validate(badType)).toBe(false);
    const badMac = { ...loadConfig(), mac: { hardenedRuntime: 'true' } };
    expect(validate(badMac)).toBe(false);
  });

  it('says what the issue asks for: ids, scheme, targets, hardening, profile resource, fuses hook', () => {
    const config = loadConfig() as {
      appId: string;
      productName: string;
      protocols: Array<{ schemes: string[] }>;
      asarUnpack: string[];
      extraResources: Array<{ from: string; to: string; filter: string[] }>;
      afterPack: string;
      mac: { target: string[]; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string };
      win: { target: string[] };
      linux: { target: string[]; desktop: { entry: Record<string, string> } };
      deb: { depends: string[] };
    };
    expect(config.appId).toBe('com.example.cognitodesktop');
    expect(config.productName).toBe('Cognito Desktop');
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual(['com.example.cognitodesktop']);
    expect(config.asarUnpack.some((pattern) => pattern.includes('keytar'))).toBe(true);
    expect(config.extraResources).toContainEqual({
      from: 'assets/profiles',
      to: 'profiles',
      filter: ['organisation.json'],
    });
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.mac.hardenedRuntime).toBe(true);
    const entitlements = readFileSync(path.join(root, config.mac.entitlements), 'utf8');
    // Exactly the one entitlement V8 needs under the hardened runtime; every other one weakens it.
    const keys = [...entitlements.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<key>([^<]+)<\/key>/g)].map(
      (m) => m[1],
    );
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.desktop.entry['MimeType']).toBe('x-scheme-handler/com.example.cognitodesktop;');
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.afterPack).toBe('./tools/packaging/after-pack-fuses.mjs');
  });
});
