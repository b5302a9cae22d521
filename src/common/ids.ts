import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/**
 * Random bytes drawn from the CSPRNG 4 KiB at a time (one call per 227 ids instead of two per id:
 * the way Node's randomUUID caches them), each byte used once.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function random(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = Buffer.allocUnsafe(n);
  pool.copy(out, 0, poolAt, (poolAt += n));
  return out;
}

/**
 * UUIDv7 (RFC 9562 §5.7): 48-bit Unix ms timestamp then random bits, so ids sort by creation
 * time; a 12-bit sequence in rand_a keeps ids minted in the same millisecond ordered.
 */
export function uuidv7(now = Date.now()): string {
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    seq = random(2).readUInt16BE(0) & 0x7ff;
  }
  const b = random(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
