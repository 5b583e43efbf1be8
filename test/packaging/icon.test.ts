import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICON_SIZE, drawIcon, encodePng } from '../../tools/packaging/make-icon';

const iconFile = path.resolve(import.meta.dirname, '../../assets/icon.png');

/** Reads the chunks of a PNG and checks every CRC, as a decoder would. */
function readChunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const chunks: Array<{ type: string; data: Buffer }> = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('latin1');
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length), `${type} CRC`).toBe(
      crc32(png.subarray(offset + 4, offset + 8 + length)),
    );
    chunks.push({ type, data });
    offset += 12 + length;
  }
  return chunks;
}

describe('assets/icon.png', () => {
  const png = readFileSync(iconFile);

  it('is a 1024x1024 RGBA PNG that decodes to the full pixel count (electron-builder needs >= 512 for macOS)', () => {
    const chunks = readChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = chunks[0]!.data;
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([
      1024, 1024, 8, 6,
    ]);
    const raw = inflateSync(chunks[1]!.data);
    expect(raw.length).toBe(ICON_SIZE * (ICON_SIZE * 4 + 1));
  });

  it('is what tools/packaging/make-icon.ts draws (the committed file is reproducible)', () => {
    expect(encodePng(ICON_SIZE, ICON_SIZE, drawIcon()).equals(png)).toBe(true);
  });
});
