import { listPackage, extractFile, statFile } from '@electron/asar';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packWithStandIn, type StandInPack } from '../../tools/packaging/pack-with-stand-in';
import { devDependencyNames, packagesInListing, productionClosure } from './package-closure';

/**
 * The packaging check: one real electron-builder run (`--linux dir`, stand-in Electron, no
 * native rebuild) and assertions on what went into the package and what stayed out.
 */
const root = path.resolve(import.meta.dirname, '../..');
let workDir: string;
let pack: StandInPack;
let entries: Set<string>;

beforeAll(async () => {
  // CI builds before testing; a developer may not have.
  if (!existsSync(path.join(root, 'out/main/index.js'))) {
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  }
  workDir = mkdtempSync(path.join(os.tmpdir(), 'cognito-desktop-pack-'));
  pack = await packWithStandIn(workDir, { timeoutMs: 150_000 });
  entries = new Set(
    listPackage(pack.asarPath, { isPack: false }).map((entry) => entry.replaceAll('\\', '/')),
  );
}, 180_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const AWS_PACKAGES = [
  '@aws-sdk/client-cognito-identity',
  '@aws-sdk/client-cognito-identity-provider',
  '@smithy/signature-v4',
  '@aws-crypto/sha256-js',
  '@smithy/protocol-http',
];

const readFromAsar = (file: string) => extractFile(pack.asarPath, file).toString('utf8');

describe('app.asar', () => {
  it('holds the built main, preload and renderer, and a package.json whose main is in the archive', () => {
    for (const file of [
      '/out/main/index.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
      '/package.json',
    ]) {
      expect(entries, file).toContain(file);
    }
    const manifest = JSON.parse(readFromAsar('package.json')) as Record<string, unknown>;
    expect(manifest['name']).toBe('cognito-desktop');
    expect(typeof manifest['main']).toBe('string');
    expect(entries).toContain(path.posix.join('/', String(manifest['main'])));
    // electron-builder drops devDependencies from the shipped manifest; make sure it did.
    expect(manifest['devDependencies']).toBeUndefined();
  });

  it('holds every script and stylesheet the renderer page loads', () => {
    const html = readFromAsar('out/renderer/index.html');
    const references = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1] ?? '')
      .filter((ref) => ref !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(ref) && !ref.startsWith('#'));
    expect(references.length).toBeGreaterThan(0);
    for (const ref of references) {
      expect(entries, ref).toContain(path.posix.join('/out/renderer', ref));
    }
  });

  it('ships exactly the production dependency closure in node_modules', () => {
    const expected = productionClosure(root);
    for (const name of ['axios', 'keytar', 'openid-client', 'zod', ...AWS_PACKAGES])
      expect(expected).toContain(name);
    const shipped = packagesInListing(entries);
    expect([...shipped].filter((name) => !expected.has(name)).sort(), 'shipped but not needed').toEqual([]);
    expect([...expected].filter((name) => !shipped.has(name)).sort(), 'needed but not shipped').toEqual([]);
  });

  it('ships no devDependency, no source, tests, tools or the local user pool', () => {
    const shipped = packagesInListing(entries);
    const production = productionClosure(root);
    // A devDependency may only appear when a production dependency needs it too.
    const leaked = devDependencyNames(root).filter((name) => shipped.has(name) && !production.has(name));
    expect(leaked).toEqual([]);
    for (const name of [
      'react',
      'react-dom',
      'vite',
      'electron',
      'oidc-provider',
      'aws-jwt-verify',
      'electron-builder',
    ]) {
      expect(shipped, name).not.toContain(name);
    }
    const topLevel = [...entries].filter((entry) => entry.split('/').length === 2);
    expect(topLevel.sort()).toEqual(['/node_modules', '/out', '/package.json']);
    const forbidden = [...entries].filter((entry) =>
      /^\/(?:src|test|tools|assets|docs|release)(?:\/|$)|user-pool|\.tsx?$|\.tsbuildinfo$/.test(entry),
    );
    expect(forbidden).toEqual([]);
  });

  it('keeps the licence files of the production dependencies (redistribution needs them)', () => {
    for (const file of [
      '/node_modules/axios/LICENSE',
      '/node_modules/keytar/LICENSE.md',
      '/node_modules/openid-client/LICENSE.md',
      '/node_modules/zod/LICENSE',
    ]) {
      expect(entries, file).toContain(file);
    }
  });

  it('main loads the AWS SDK packages it uses from the archive (identity pool, admin API, SigV4)', () => {
    // electron-vite keeps dependencies external in main: each is imported by name from the bundle
    // and resolved in the archive's node_modules, where its package.json must be.
    const bundle = readFromAsar('out/main/index.js');
    for (const name of AWS_PACKAGES) {
      expect(bundle, name).toMatch(new RegExp(`from ["']${name.replace('/', '\\/')}["']`));
      expect(entries, name).toContain(`/node_modules/${name}/package.json`);
    }
  });

  it('carries no source maps (they would ship the TypeScript source)', () => {
    expect([...entries].filter((entry) => entry.endsWith('.map'))).toEqual([]);
    const bundle = readFromAsar('out/main/index.js');
    expect(bundle).not.toMatch(/sourceMappingURL=data:/);
  });

  it('unpacks keytar.node next to the archive and keeps keytar build leftovers out', () => {
    const addon = '/node_modules/keytar/build/Release/keytar.node';
    expect(entries).toContain(addon);
    const header = statFile(pack.asarPath, addon.slice(1)) as { unpacked?: boolean };
    expect(header.unpacked).toBe(true);
    const onDisk = path.join(pack.resourcesDir, 'app.asar.unpacked', addon);
    expect(statSync(onDisk).size).toBeGreaterThan(10_000);
    // An ELF shared object, as Node's dlopen needs.
    expect(readFileSync(onDisk).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    const leftovers = [...entries].filter((entry) =>
      /\/keytar\/(?:src|binding\.gyp|build\/(?:Makefile|config\.gypi|.*\.mk|Release\/obj\.target))/.test(
        entry,
      ),
    );
    expect(leftovers).toEqual([]);
  });

  it('ships no demo profile: nothing under resources trusts the loopback demo ports (issue 14 defect 7)', () => {
    // The repo keeps only assets/profiles/organisation.example.json (documented in
    // docs/installers.md); extraResources copies organisation.json alone, which an organisation
    // adds for its own build.
    expect(existsSync(path.join(root, 'assets/profiles/organisation.json'))).toBe(false);
    const profilesDir = path.join(pack.resourcesDir, 'profiles');
    expect(existsSync(profilesDir) ? readdirSync(profilesDir) : []).toEqual([]);
    const shippedFiles = (readdirSync(pack.resourcesDir, { recursive: true }) as string[])
      .map((name) => path.join(pack.resourcesDir, name))
      .filter(
        (file) => statSync(file).isFile() && !file.endsWith('.asar') && statSync(file).size < 1_000_000,
      );
    for (const file of shippedFiles) {
      const text = readFileSync(file, 'latin1');
      expect(text, file).not.toMatch(/"demo"\s*:\s*true/);
      expect(text, file).not.toMatch(/127\.0\.0\.1:923[09]/);
    }
    // Nor inside the archive.
    expect([...entries].filter((entry) => /organisation|\/profiles\//.test(entry))).toEqual([]);
  });

  it('ran the afterPack fuses hook, which recognised the stand-in and said so', () => {
    expect(pack.output).toMatch(
      /afterPack fuses: skipped, .*cognito-desktop is the packaging-check stand-in/,
    );
    expect(existsSync(path.join(pack.appOutDir, 'cognito-desktop'))).toBe(true);
  });
});
