import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECTION_END, SECTION_START, hasSection, removeSection, upsertSection, wrapSection } from '../../generators/lib/claude-md.js';

const BODY = 'Use the orchestrator skill.\n';
const SECTION = wrapSection(BODY);

describe('upsertSection', () => {
  it('no CLAUDE.md: the section alone, newline-terminated', () => {
    expect(upsertSection(undefined, BODY)).toBe(`${SECTION_START}\nUse the orchestrator skill.\n${SECTION_END}\n`);
  });

  it('existing text ending with a newline: a blank line, then the section', () => {
    expect(upsertSection('# Mine\n', BODY)).toBe(`# Mine\n\n${SECTION}\n`);
  });

  it('existing text without a trailing newline: its bytes kept, then a blank line and the section', () => {
    expect(upsertSection('# Mine', BODY)).toBe(`# Mine\n\n${SECTION}\n`);
  });

  it('replaces an existing section in place, keeping every byte before and after', () => {
    const before = '# Mine\r\n\r\nintro\t\n';
    const after = '\n\n## Later\nno newline at end';
    const old = `${before}${wrapSection('old body')}${after}`;
    const next = upsertSection(old, BODY);
    expect(next).toBe(`${before}${SECTION}${after}`);
    expect(upsertSection(next, BODY)).toBe(next);
  });
});

describe('removeSection', () => {
  it.each(['# Mine\n', '# Mine\n\n', '\n', 'a\r\nb\r\n', '# Title\n\nLots of text.\n'])(
    'restores %j after an upsert',
    (original) => {
      const withSection = upsertSection(original, BODY);
      expect(hasSection(withSection)).toBe(true);
      expect(removeSection(withSection)).toBe(original);
    },
  );

  it('property: restores any newline-terminated text without markers', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\r', '#', '<', '-', 'é') }).map((s) => `${s}\n`);
    fc.assert(fc.property(text, (original) => removeSection(upsertSection(original, BODY)) === original));
  });

  it('keeps the text around a section in the middle', () => {
    expect(removeSection(`top\n${SECTION}\nbottom\n`)).toBe('top\nbottom\n');
  });

  it('a file holding only the section becomes undefined (delete the file)', () => {
    expect(removeSection(upsertSection(undefined, BODY))).toBeUndefined();
    expect(removeSection(SECTION)).toBeUndefined();
  });

  it('text without a (complete) section is returned unchanged', () => {
    expect(removeSection('# Mine\n')).toBe('# Mine\n');
    const unterminated = `a\n${SECTION_START}\nb\n`;
    expect(removeSection(unterminated)).toBe(unterminated);
    expect(hasSection(unterminated)).toBe(false);
  });
});
