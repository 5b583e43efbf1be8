import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Nothing in the app or its tools overrides a certificate error: no switch turns verification off
 * (Node's rejectUnauthorized / NODE_TLS_REJECT_UNAUTHORIZED / checkServerIdentity, Electron's
 * setCertificateVerifyProc / 'certificate-error', Chromium's --ignore-certificate-errors,
 * mitmproxy's ssl_insecure). Tests may pin the test server's key for Chromium; shipped and tool
 * code may not. Trust comes from the OS store (app) or an explicit CA file (Node transport).
 */
const root = path.resolve(import.meta.dirname, '../..');
const FORBIDDEN = [
  /rejectUnauthorized/,
  /NODE_TLS_REJECT_UNAUTHORIZED/,
  /checkServerIdentity/,
  /setCertificateVerifyProc/,
  /['"]certificate-error['"]/,
  /ignore-certificate-errors/,
  /ssl_insecure/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : files(full);
    return /\.(ts|tsx|mts|mjs|js|cjs|json|yml)$/.test(name) ? [full] : [];
  });
}

describe('no certificate override anywhere in the app or its tools', () => {
  it('src/ and tools/ contain no switch that disables certificate verification', () => {
    const scanned = [...files(path.join(root, 'src')), ...files(path.join(root, 'tools'))];
    expect(scanned.length).toBeGreaterThan(50);
    const hits = scanned.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return FORBIDDEN.filter((re) => re.test(text)).map(
        (re) => `${path.relative(root, file)}: ${re.source}`,
      );
    });
    expect(hits).toEqual([]);
  });
});
