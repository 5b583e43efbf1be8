import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import afterPack, {
  STAND_IN_MARKER,
  applyFuses,
  executablePathFor,
  fuseConfigFor,
} from '../../tools/packaging/after-pack-fuses.mjs';
import { makeStandInElectronDist } from '../../tools/packaging/make-stand-in-electron-dist';
import { FUSE_OFF, FUSE_ON, writeSyntheticFuseBinary } from './synthetic-fuse-binary';

/**
 * The afterPack hook against the real @electron/fuses code on a file that carries a fuse wire
 * laid out as in Electron's binary (the binary itself cannot be had on this machine).
 */
const ARCH_X64 = 1;
const ARCH_ARM64 = 3;
const workDir = mkdtempSync(path.join(os.tmpdir(), 'cognito-desktop-fuses-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const wireOf = async (file: string) => (await getCurrentFuseWire(file)) as unknown as Record<number, number>;

describe('fuse settings', () => {
  it('turn off RunAsNode, NODE_OPTIONS and --inspect, turn on cookie encryption and asar-only loading everywhere', () => {
    for (const platform of ['linux', 'win32', 'darwin']) {
      const config = fuseConfigFor(platform, ARCH_X64) as unknown as Record<number, boolean | undefined>;
      expect(config[FuseV1Options.RunAsNode], platform).toBe(false);
      expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable], platform).toBe(false);
      expect(config[FuseV1Options.EnableNodeCliInspectArguments], platform).toBe(false);
      expect(config[FuseV1Options.EnableCookieEncryption], platform).toBe(true);
      expect(config[FuseV1Options.OnlyLoadAppFromAsar], platform).toBe(true);
      // The renderer comes from app://, so file:// needs no privileges beyond a browser's.
      expect(config[FuseV1Options.GrantFileProtocolExtraPrivileges], platform).toBe(false);
    }
  });

  it('turn on embedded asar integrity only where Electron supports it (macOS, Windows)', () => {
    const integrity = (platform: string) =>
      (fuseConfigFor(platform, ARCH_X64) as unknown as Record<number, boolean | undefined>)[
        FuseV1Options.EnableEmbeddedAsarIntegrityValidation
      ];
    expect(integrity('darwin')).toBe(true);
    expect(integrity('mas')).toBe(true);
    expect(integrity('win32')).toBe(true);
    expect(integrity('linux')).toBeUndefined();
  });

  it('reset the ad-hoc signature only for arm64 macOS builds', () => {
    expect(fuseConfigFor('darwin', ARCH_ARM64).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfigFor('darwin', ARCH_X64).resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfigFor('linux', ARCH_ARM64).resetAdHocDarwinSignature).toBe(false);
  });
});

describe('afterPack hook', () => {
  it('flips the fuses of a Linux binary through electron-builder’s context and leaves the others as shipped', async () => {
    const appOutDir = path.join(workDir, 'linux-unpacked');
    const binary = path.join(appOutDir, 'cognito-desktop');
    makeStandInElectronDist(appOutDir); // the folder layout; the binary is replaced next
    writeSyntheticFuseBinary(binary);
    const lines: string[] = [];
    const originalLog = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      await afterPack({
        appOutDir,
        electronPlatformName: 'linux',
        arch: ARCH_X64,
        packager: { appInfo: { productFilename: 'Cognito Desktop' }, executableName: 'cognito-desktop' },
      });
    } finally {
      console.log = originalLog;
    }
    const wire = await wireOf(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FUSE_OFF);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FUSE_ON);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FUSE_OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FUSE_OFF);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FUSE_ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FUSE_OFF);
    // Untouched: asar integrity on Linux (Electron checks it on macOS and Windows only), the
    // V8 snapshot fuse, and a fuse newer than @electron/fuses knows (the 9th).
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FUSE_OFF);
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(FUSE_OFF);
    expect(wire[8]).toBe(FUSE_ON);
    expect(lines.join('\n')).toMatch(
      /afterPack fuses: .*cognito-desktop: RunAsNode=off .*OnlyLoadAppFromAsar=on/,
    );
  });

  it('turns on asar integrity for a Windows binary', async () => {
    const binary = path.join(workDir, 'Cognito Desktop.exe');
    writeSyntheticFuseBinary(binary);
    expect(await applyFuses(binary, 'win32', ARCH_X64, () => {})).toBe('flipped');
    expect((await wireOf(binary))[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FUSE_ON);
  });

  it('skips the packaging-check stand-in with a log line and leaves it unchanged', async () => {
    const dist = makeStandInElectronDist(path.join(workDir, 'stand-in'));
    const binary = path.join(dist, 'electron');
    const before = readFileSync(binary);
    const lines: string[] = [];
    expect(await applyFuses(binary, 'linux', ARCH_X64, (line) => lines.push(line))).toBe('skipped-stand-in');
    expect(lines).toEqual([expect.stringMatching(/skipped, .* is the packaging-check stand-in/)]);
    expect(readFileSync(binary).equals(before)).toBe(true);
  });

  it('fails the build for any other binary without a fuse wire, even one that quotes the stand-in marker', async () => {
    const small = path.join(workDir, 'not-electron');
    writeFileSync(small, '\x7fELF not electron at all');
    await expect(applyFuses(small, 'linux', ARCH_X64, () => {})).rejects.toThrow(/sentinel/);
    const big = path.join(workDir, 'big-with-marker');
    writeFileSync(big, Buffer.concat([Buffer.from(STAND_IN_MARKER), Buffer.alloc(256 * 1024, 0x20)]));
    await expect(applyFuses(big, 'linux', ARCH_X64, () => {})).rejects.toThrow(/sentinel/);
  });

  it('finds the executable where electron-builder puts it on each platform', () => {
    const packager = { appInfo: { productFilename: 'Cognito Desktop' }, executableName: 'cognito-desktop' };
    const at = (electronPlatformName: string) =>
      executablePathFor({ appOutDir: '/o', electronPlatformName, packager });
    expect(at('darwin')).toBe(path.join('/o', 'Cognito Desktop.app'));
    expect(at('win32')).toBe(path.join('/o', 'Cognito Desktop.exe'));
    expect(at('linux')).toBe(path.join('/o', 'cognito-desktop'));
  });
});
