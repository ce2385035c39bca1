import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText, encodeText } from '../../generators/lib/bytes.js';

describe('decodeText / encodeText: every byte survives', () => {
  it('any bytes come back exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(encodeText(decodeText(bytes))).toStrictEqual(Buffer.from(bytes));
      }),
      { numRuns: 2_000 },
    );
  });

  it('valid UTF-8 (every code point, emoji included) decodes as usual', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const bytes = Buffer.from(text, 'utf8');
        expect(decodeText(bytes)).toBe(text);
        expect(encodeText(text)).toStrictEqual(bytes);
      }),
    );
  });

  it('a Latin-1 byte becomes one lone surrogate, never U+FFFD', () => {
    expect(decodeText(Buffer.from('Caf\xe9\n', 'latin1'))).toBe('Caf\uDCE9\n');
  });

  it('malformed sequences are kept byte by byte: overlong, surrogate, above U+10FFFF, cut short', () => {
    for (const bytes of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
    ]) {
      const text = decodeText(Buffer.from(bytes));
      expect([...text].map((unit) => unit.charCodeAt(0) - 0xdc00)).toStrictEqual(bytes);
      expect(encodeText(`a${text}b`)).toStrictEqual(Buffer.from([0x61, ...bytes, 0x62]));
    }
  });
});
