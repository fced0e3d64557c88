#!/usr/bin/env node
/**
 * Writes build/icons/512x512.png, the app icon, from code (no image tools, no
 * network): a rampart — a crenellated wall — on a rounded dark-blue square.
 * The PNG is built by hand: signature, IHDR, one zlib-compressed IDAT, IEND.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icons', `${SIZE}x${SIZE}.png`);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA of pixel (x, y). */
function pixel(x, y) {
  const r = 96; // corner radius of the background square
  const inset = 16;
  const lo = inset + r;
  const hi = SIZE - inset - r;
  const cx = Math.min(Math.max(x, lo), hi);
  const cy = Math.min(Math.max(y, lo), hi);
  const inside = x >= inset && x < SIZE - inset && y >= inset && y < SIZE - inset && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  if (!inside) return [0, 0, 0, 0];
  // The wall: a body from y 240 to 400, five merlons on top (y 176 to 240): nine equal slots, merlon, gap, …, merlon.
  const wallX = x >= 96 && x < 416;
  const body = wallX && y >= 240 && y < 400;
  const merlon = wallX && y >= 176 && y < 240 && Math.floor(((x - 96) * 9) / 320) % 2 === 0;
  const gate = x >= 224 && x < 288 && y >= 312 && y < 400 && !(y < 344 && (x - 256) ** 2 + (y - 344) ** 2 > 32 * 32);
  if ((body || merlon) && !gate) return [236, 241, 248, 255];
  return [24, 44, 84, 255];
}

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) raw.set(pixel(x, y), row + 1 + x * 4);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
process.stdout.write(`wrote ${out} (${png.length} bytes)\n`);
