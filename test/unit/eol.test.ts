import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash, detectEol, sameContent, toLf, withEol } from '../../generators/lib/eol.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('line endings', () => {
  it('detects the line end of the first line break, LF when there is none', () => {
    expect(detectEol('a\r\nb\n')).toBe('\r\n');
    expect(detectEol('a\nb\r\n')).toBe('\n');
    expect(detectEol('a')).toBe('\n');
    expect(detectEol('a\rb')).toBe('\n');
  });

  it('normalises CRLF to LF and leaves a lone CR alone', () => {
    expect(toLf('a\r\nb\rc\n')).toBe('a\nb\rc\n');
  });

  it('writes LF text in a CRLF file without doubling the CRs', () => {
    expect(withEol('a\nb\n', '\r\n')).toBe('a\r\nb\r\n');
    expect(withEol('a\r\nb\n', '\r\n')).toBe('a\r\nb\r\n');
    expect(withEol('a\r\nb', '\n')).toBe('a\nb');
  });

  it('hashes a CRLF checkout like the LF original, and the LF original like a plain SHA-256', () => {
    expect(contentHash('a\nb\n')).toBe(sha256('a\nb\n'));
    expect(contentHash('a\r\nb\r\n')).toBe(contentHash('a\nb\n'));
    expect(contentHash('a\nb')).not.toBe(contentHash('a\nb\n'));
    expect(sameContent('a\r\n', 'a\n')).toBe(true);
    expect(sameContent('a\r', 'a\n')).toBe(false);
  });

  it('property: converting to either line end and back to LF gives the LF text', () => {
    const lf = fc.string({ unit: fc.constantFrom('a', 'é', '\n', ' ', '\t') });
    fc.assert(
      fc.property(lf, fc.constantFrom('\n', '\r\n') as fc.Arbitrary<'\n' | '\r\n'>, (text, eol) => {
        const converted = withEol(text, eol);
        expect(toLf(converted)).toBe(text);
        expect(contentHash(converted)).toBe(contentHash(text));
        if (text.includes('\n')) expect(detectEol(converted)).toBe(eol);
      }),
    );
  });
});
