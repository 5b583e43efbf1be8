import { writeFileSync } from 'node:fs';

/** @electron/fuses' sentinel: the fuse wire follows it (version byte, length byte, one byte per fuse). */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
export const FUSE_OFF = 0x30;
export const FUSE_ON = 0x31;

/**
 * A file laid out like the part of an Electron binary that carries the fuse wire, surrounded
 * by filler, so the real @electron/fuses code can flip and read it here. Electron ships with
 * RunAsNode, cookie encryption (off), NODE_OPTIONS and --inspect enabled: the start state.
 */
export function writeSyntheticFuseBinary(file: string, fuseCount = 9): void {
  const shipped = [FUSE_ON, FUSE_OFF, FUSE_ON, FUSE_ON, FUSE_OFF, FUSE_OFF, FUSE_OFF, FUSE_ON, FUSE_ON];
  const wire = Buffer.from([1, fuseCount, ...shipped.slice(0, fuseCount)]);
  // Bigger than the stand-in limit, as any real binary is.
  const filler = Buffer.alloc(128 * 1024, 0xcc);
  writeFileSync(file, Buffer.concat([filler, Buffer.from(FUSE_SENTINEL, 'latin1'), wire, filler]));
}
