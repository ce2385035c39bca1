import { describe, expect, it } from 'vitest';
import { printable } from '../../generators/lib/terminal-text.js';

describe('printable', () => {
  it.each([
    ['ESC (an escape sequence)', 'a\u001b[1A\u001b[2Kb', 'a\\u001b[1A\\u001b[2Kb'],
    ['CR', 'approved\rforged', 'approved\\rforged'],
    ['backspace', 'rm\b\bls', 'rm\\u0008\\u0008ls'],
    ['BEL', 'ding\u0007', 'ding\\u0007'],
    ['NUL and DEL', 'a\u0000b\u007f', 'a\\u0000b\\u007f'],
    ['C1 controls (CSI, NEL)', 'x\u009b2Ky\u0085', 'x\\u009b2Ky\\u0085'],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
    ['bidirectional overrides and marks', 'txt.\u202egpj\u2066\u200f', 'txt.\\u202egpj\\u2066\\u200f'],
  ])('escapes %s, visibly', (_, text, shown) => {
    expect(printable(text)).toBe(shown);
    expect(printable(text, 'lines')).toBe(shown);
  });

  it('in one line or value, a line feed or tab is escaped too: it cannot start a forged line', () => {
    expect(printable('App\n  approved  x\t.csproj')).toBe('App\\n  approved  x\\t.csproj');
  });

  it('in text whose lines are ours, line feeds and tabs stay', () => {
    expect(printable('a\n\tb\r\n', 'lines')).toBe('a\n\tb\\r\n');
  });

  it('leaves printable text alone, other scripts and emoji included, and is idempotent', () => {
    const text = 'Café naïve 日本語 🎉 C:\\path "quoted" — ok';
    expect(printable(text)).toBe(text);
    const once = printable('a\u001bb\rc\n');
    expect(printable(once)).toBe(once);
  });

  it('keeps JSON output JSON, with the same values', () => {
    const value = { version: '1\u001b[2K\u0085\u202e\u007f', list: ['a\rb'] };
    const shown = printable(JSON.stringify(value, null, 2), 'lines');
    expect(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/.test(shown)).toBe(false);
    expect(JSON.parse(shown)).toStrictEqual(value);
  });
});
