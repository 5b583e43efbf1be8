/**
 * Draws the app icon (assets/icon.png, 1024x1024 RGBA) with nothing but node:zlib, so the icon
 * can be regenerated on any machine without an image editor. electron-builder derives the
 * macOS .icns, the Windows .ico and the Linux icon set from this one PNG (it needs at least
 * 512x512 for macOS and 256x256 for Windows).
 *
 *   npx tsx tools/packaging/make-icon.ts [output.png]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

export const ICON_SIZE = 1024;

type Rgba = [number, number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes RGBA pixels (row-major, 4 bytes each) as a PNG: colour type 6, 8 bits, no filter. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error('pixel buffer does not match the size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  // bytes 10-12: compression, filter method, interlace: all 0
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter type None
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage in [0, 1] of a pixel by a shape whose signed distance is d (negative inside). */
const coverage = (d: number) => Math.min(1, Math.max(0, 0.5 - d));

function roundedSquareDistance(x: number, y: number, centre: number, half: number, radius: number): number {
  const qx = Math.abs(x - centre) - (half - radius);
  const qy = Math.abs(y - centre) - (half - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

function blend(under: Rgba, over: Rgba, alpha: number): Rgba {
  const a = alpha * (over[3] / 255);
  return [
    under[0] * (1 - a) + over[0] * a,
    under[1] * (1 - a) + over[1] * a,
    under[2] * (1 - a) + over[2] * a,
    Math.max(under[3], a * 255),
  ];
}

/** A blue rounded square with a white keyhole in a ring: "sign-in", readable at 16 px. */
export function drawIcon(size = ICON_SIZE): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const s = size / 1024; // design units are for 1024 px
  const c = size / 2;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = px + 0.5;
      const y = py + 0.5;
      let colour: Rgba = [0, 0, 0, 0];
      // Background: macOS-style margin (824 of 1024) with a vertical gradient.
      const t = py / size;
      const background: Rgba = [24 + 20 * t, 92 - 30 * t, 200 - 40 * t, 255];
      colour = blend(colour, background, coverage(roundedSquareDistance(x, y, c, 412 * s, 185 * s)));
      const white: Rgba = [255, 255, 255, 255];
      // Ring.
      const r = Math.hypot(x - c, y - c);
      colour = blend(colour, white, coverage(Math.abs(r - 250 * s) - 36 * s));
      // Keyhole: a disc and a tapered slot below it.
      colour = blend(colour, white, coverage(Math.hypot(x - c, y - (c - 50 * s)) - 72 * s));
      const slotTop = c - 20 * s;
      const slotBottom = c + 150 * s;
      if (y >= slotTop - 1 && y <= slotBottom + 1) {
        const u = Math.min(1, Math.max(0, (y - slotTop) / (slotBottom - slotTop)));
        const halfWidth = (34 + 24 * u) * s;
        const d = Math.max(Math.abs(x - c) - halfWidth, slotTop - y, y - slotBottom);
        colour = blend(colour, white, coverage(d));
      }
      const i = (py * size + px) * 4;
      pixels[i] = Math.round(colour[0]);
      pixels[i + 1] = Math.round(colour[1]);
      pixels[i + 2] = Math.round(colour[2]);
      pixels[i + 3] = Math.round(colour[3]);
    }
  }
  return pixels;
}

const isCli = process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename;
if (isCli) {
  const output = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../../assets/icon.png'));
  writeFileSync(output, encodePng(ICON_SIZE, ICON_SIZE, drawIcon()));
  console.log(`wrote ${output}`);
}
