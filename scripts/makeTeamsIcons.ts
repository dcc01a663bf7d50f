/**
 * Draws the Teams app icons (run once; the PNGs are committed): a 192×192 colour icon and a 32×32 white
 * outline on a transparent background, as Teams requires. No image library: PNG is written by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

type Rgba = [number, number, number, number];

function crc32(buffer: Buffer): number {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // RGBA
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) Buffer.from(pixel(x, y)).copy(row, 1 + x * 4);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A plus sign (the pharmacy cross) centred in a square of the given size. */
function inCross(x: number, y: number, size: number): boolean {
  const c = size / 2;
  const arm = size * 0.3;
  const half = size * 0.1;
  return (
    (Math.abs(x + 0.5 - c) <= half && Math.abs(y + 0.5 - c) <= arm) ||
    (Math.abs(y + 0.5 - c) <= half && Math.abs(x + 0.5 - c) <= arm)
  );
}

const out = path.join(__dirname, '..', '..', 'appPackage');
fs.writeFileSync(
  path.join(out, 'color.png'),
  png(192, (x, y) => (inCross(x, y, 192) ? [255, 255, 255, 255] : [9, 87, 150, 255])),
);
fs.writeFileSync(
  path.join(out, 'outline.png'),
  png(32, (x, y) => (inCross(x, y, 32) ? [255, 255, 255, 255] : [0, 0, 0, 0])),
);
console.log(`icons written to ${out}`);
