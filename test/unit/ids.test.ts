import { describe, expect, it } from 'vitest';
import { uuidv7, UUID_RE } from '../../src/common/ids';

describe('uuidv7', () => {
  it('mints distinct, well-formed, time-ordered ids across many refills of its random pool', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(UUID_RE);
      expect(id[14]).toBe('7'); // version (RFC 9562 §5.7)
      expect('89ab').toContain(id[19]); // variant 10xx
    }
    expect([...ids].sort()).toEqual(ids);
    // The random part differs between ids (not a repeated slice of the pool).
    expect(new Set(ids.map((id) => id.slice(19))).size).toBe(ids.length);
  });
});
