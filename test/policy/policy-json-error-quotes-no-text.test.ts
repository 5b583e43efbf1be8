import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readProfileFile } from '../../src/main/config/profile-file';
import { fromJsonText, PolicyError } from '../../src/main/policy/policy-forms';
import { createSettingsStore } from '../../src/main/settings/settings-store';
import { jsonErrorPosition } from '../../src/shared/json-position';

/**
 * Issue 24 item 3: a policy (or profile, or settings) file that is not JSON is reported by line
 * and column only. V8's JSON.parse message quotes the characters around the error, so a policy
 * with an unquoted secret put ten characters of it into main.log, the error screen and the
 * diagnostics bundle.
 */

const SECRET = 'Zq7sEcReTvAlUe9xK';
const dir = mkdtempSync(path.join(os.tmpdir(), 'json-error-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** True when the text holds any 4-character run of the secret. */
function leaks(text: string, secret: string): boolean {
  for (let i = 0; i + 4 <= secret.length; i++) if (text.includes(secret.slice(i, i + 4))) return true;
  return false;
}

function policyError(text: string): PolicyError {
  try {
    fromJsonText(text, '/etc/cognito-desktop/policy.json');
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('fromJsonText accepted invalid JSON');
}

describe('policy JSON error quotes the file text (issue 24 item 3)', () => {
  it('names line and column of an unquoted secret, and no character of it', () => {
    const text = `{\n  "updates": {\n    "feedUrl": ${SECRET}\n  }\n}\n`;
    const error = policyError(text);
    expect(error.message).toBe(
      'Organisation policy /etc/cognito-desktop/policy.json: not valid JSON (at line 3 column 16)',
    );
    expect(leaks(error.message, SECRET)).toBe(false);
    expect(leaks(error.detail, SECRET)).toBe(false);
  });

  it('names the end of a truncated file as its last line and column', () => {
    expect(policyError('{"logLevel": "info",\n').message).toMatch(/\(at line 2 column 1\)$/);
  });

  it('never quotes a generated secret placed unquoted anywhere in a policy (property)', () => {
    // Not starting like true/false/null: there the error is where the literal stops matching.
    const secret = fc.stringMatching(/^[A-Za-eg-mo-su-z][A-Za-z0-9_]{11,40}$/);
    const key = fc.stringMatching(/^[a-z][a-zA-Z]{0,12}$/);
    fc.assert(
      fc.property(secret, key, fc.integer({ min: 0, max: 3 }), fc.boolean(), (s, k, depth, inArray) => {
        const inner = inArray ? `[1, ${s}]` : s;
        let text = `{"${k}": ${inner}}`;
        for (let d = 0; d < depth; d++) text = `{\n"level${d}": ${text}\n}`;
        const error = policyError(text);
        expect(leaks(error.message, s)).toBe(false);
        const at = text.indexOf(s);
        const line = text.slice(0, at).split('\n').length;
        const column = at - text.lastIndexOf('\n', at - 1);
        expect(error.message).toContain(`(at line ${line} column ${column})`);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with JSON.parse on what is valid JSON (property)', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (json, cut, junk) => {
        expect(jsonErrorPosition(json)).toBeUndefined();
        const broken = json.slice(0, cut % (json.length + 1)) + junk;
        let valid = true;
        try {
          JSON.parse(broken);
        } catch {
          valid = false;
        }
        expect(jsonErrorPosition(broken) === undefined).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });

  it('profile files and the settings file report line and column only, too', async () => {
    const profileFile = path.join(dir, 'profiles.json');
    writeFileSync(profileFile, `{\n  "id": "corp",\n  "clientSecret": ${SECRET}\n}\n`);
    let message = '';
    try {
      readProfileFile(profileFile);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('is not valid JSON (at line 3 column 19)');
    expect(leaks(message, SECRET)).toBe(false);

    const settingsDir = mkdtempSync(path.join(dir, 'settings-'));
    writeFileSync(path.join(settingsDir, 'settings.json'), `{"language": ${SECRET}}`);
    const settings = createSettingsStore({ file: path.join(settingsDir, 'settings.json') });
    const problem = settings.get().problem;
    expect(problem?.message).toContain('not valid JSON (at line 1 column 14)');
    expect(leaks(JSON.stringify(settings.get()), SECRET)).toBe(false);
  });
});
