/** The packed sealed sub-shares of a reshare/deal broadcast (shared/wire/sealed-shares.ts). */
import { describe, expect, it } from 'vitest';
import { RampartError } from '../../shared/errors.js';
import { packSealedShares, sealedShareFor, SEALED_SHARE_BYTES } from '../../shared/wire/sealed-shares.js';

const hex = (byte: number, n: number) => byte.toString(16).padStart(2, '0').repeat(n);
const to = ['aa'.repeat(16), 'bb'.repeat(16), 'cc'.repeat(16)];
const entries = to.map((_, i) => ({ enc: hex(i + 1, 32), ct: hex(i + 0x11, 48) }));
const dealer = 'dd'.repeat(16);

describe('packed sealed shares', () => {
  it('packs one 80-byte entry per recipient and gives each recipient its own', () => {
    const packed = packSealedShares(entries);
    expect(packed.length).toBe(to.length * SEALED_SHARE_BYTES * 2);
    to.forEach((id, i) => expect(sealedShareFor(packed, to, id, dealer)).toEqual(entries[i]));
  });

  it('answers undefined for a device outside `to`', () => {
    expect(sealedShareFor(packSealedShares(entries), to, 'ee'.repeat(16), dealer)).toBeUndefined();
  });

  it('refuses a deal whose entry count differs from its recipients, naming the dealer', () => {
    for (const packed of [packSealedShares(entries.slice(0, 2)), packSealedShares([...entries, entries[0]!])]) {
      const e = (() => {
        try {
          sealedShareFor(packed, to, to[0]!, dealer);
        } catch (err) {
          return err;
        }
        throw new Error('accepted');
      })();
      expect(e).toBeInstanceOf(RampartError);
      expect((e as RampartError).code).toBe('ENCODING_INVALID');
      expect((e as RampartError).culprit).toBe(dealer);
    }
  });

  it('refuses to pack an entry that is not 32 + 48 bytes', () => {
    expect(() => packSealedShares([{ enc: hex(1, 32), ct: hex(2, 64) }])).toThrow(/80 bytes/);
    expect(() => packSealedShares([{ enc: hex(1, 31), ct: hex(2, 49) }])).toThrow(/80 bytes/);
  });
});
