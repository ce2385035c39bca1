import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  removeSection,
  SECTION_END,
  SECTION_START,
  upsertSection,
  wrapSection,
} from '../../generators/lib/claude-md.js';
import { AiPackError } from '../../generators/lib/errors.js';

const BODY = 'Use the orchestrator skill.\n';
const SECTION = wrapSection(BODY);

function markerError(text: string): string {
  for (const run of [() => upsertSection(text, BODY), () => removeSection(text)]) {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(AiPackError);
      continue;
    }
    throw new Error('accepted markers that do not pair');
  }
  try {
    removeSection(text);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('upsertSection', () => {
  it('no CLAUDE.md, or an empty one: the section alone, newline-terminated', () => {
    expect(upsertSection(undefined, BODY)).toBe(`${SECTION_START}\nUse the orchestrator skill.\n${SECTION_END}\n`);
    expect(upsertSection('', BODY)).toBe(`${SECTION}\n`);
  });

  it('existing text ending with a newline: a blank line, then the section', () => {
    expect(upsertSection('# Mine\n', BODY)).toBe(`# Mine\n\n${SECTION}\n`);
  });

  it('existing text without a trailing newline: its bytes kept, a blank line, the section, and no final newline either', () => {
    expect(upsertSection('# Mine', BODY)).toBe(`# Mine\n\n${SECTION}`);
  });

  it("writes the section in the file's own line ends", () => {
    expect(upsertSection('# Mine\r\n', 'one\ntwo\n')).toBe(
      `# Mine\r\n\r\n${SECTION_START}\r\none\r\ntwo\r\n${SECTION_END}\r\n`,
    );
  });

  it('replaces an existing section in place, keeping every byte before and after, and its line ends', () => {
    const before = '# Mine\r\n\r\nintro\t\n';
    const after = '\n\n## Later\nno newline at end';
    const old = `${before}${wrapSection('old body')}${after}`;
    const next = upsertSection(old, BODY);
    expect(next).toBe(`${before}${SECTION}${after}`);
    expect(upsertSection(next, BODY)).toBe(next);
    const crlf = `a\r\n${wrapSection('old', '\r\n')}  \r\nb\r\n`;
    expect(upsertSection(crlf, 'new')).toBe(`a\r\n${wrapSection('new', '\r\n')}\r\nb\r\n`);
  });

  it("a marker quoted in prose or code is the user's text, not a marker", () => {
    const prose = [
      `The generator writes its part between \`${SECTION_START}\` and the end marker.`,
      `  ${SECTION_START}`,
      '```',
      `x ${SECTION_START}`,
      '```',
      `> ${SECTION_END}`,
      '',
    ].join('\n');
    // No section found: nothing to take out.
    expect(removeSection(prose)).toBe(prose);
    const installed = upsertSection(prose, BODY);
    expect(installed).toBe(`${prose}\n${SECTION}\n`);
    expect(upsertSection(installed, BODY)).toBe(installed);
    expect(removeSection(installed)).toBe(prose);
  });
});

describe('markers that do not pair', () => {
  it('a start without an end names its line, and nothing is changed', () => {
    expect(markerError(`# Mine\n\n${SECTION_START}\nbody\n`)).toBe(
      `CLAUDE.md:3: the generator-ai-pack section starts here but no "${SECTION_END}" line ends it. ` +
        `The pack's section is the lines from "${SECTION_START}" to "${SECTION_END}", each marker a line of its own; ` +
        'fix the markers (or delete both with the lines between) and run again; no file was changed.',
    );
  });

  it('an end without a start, an end above the start, two starts and two ends each name the line', () => {
    expect(markerError(`a\n${SECTION_END}\n`)).toMatch(
      /^CLAUDE\.md:2: a ".*end -->" line with no ".*start -->" line above it\./,
    );
    expect(markerError(`${SECTION_END}\n${SECTION_START}\n`)).toMatch(/^CLAUDE\.md:1: a ".*end -->" line with no/);
    expect(markerError(`${SECTION}\n\n${SECTION}\n`)).toMatch(
      /^CLAUDE\.md:5: a second generator-ai-pack section starts here \(the first starts at line 1\)/,
    );
    expect(markerError(`${SECTION}\n${SECTION_END}\n`)).toMatch(
      /^CLAUDE\.md:4: a second ".*end -->" line \(the first is line 3\)/,
    );
  });

  it('counts lines across CRLF and names the file it is given', () => {
    expect(() => removeSection(`a\r\nb\r\n${SECTION_START}\r\n`, 'docs/CLAUDE.md')).toThrow(/^docs\/CLAUDE\.md:3: /);
  });
});

describe('removeSection', () => {
  it.each([
    '# Mine\n',
    '# Mine\n\n',
    '\n',
    'a\r\nb\r\n',
    '# Title\n\nLots of text.\n',
    '# Mine',
    '',
    'a\r',
    'a\r\nb\n',
    'a\nb\r\n',
  ])('restores %j after an upsert', (original) => {
    const withSection = upsertSection(original, BODY);
    // A section is found there, and taking it out gives the original back.
    expect(removeSection(withSection)).not.toBe(withSection);
    expect(removeSection(withSection)).toBe(original);
  });

  it('property: restores any text after an upsert, and upserting twice equals once', () => {
    const units = fc.constantFrom(
      'a',
      ' ',
      '\n',
      '\r',
      '\r\n',
      '#',
      '<',
      '-',
      'é',
      '`',
      SECTION_START.slice(0, 10),
      ` ${SECTION_START}`,
      `${SECTION_END}x`,
    );
    const text = fc.array(units, { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (original) => {
        const once = upsertSection(original, BODY);
        expect(upsertSection(once, BODY)).toBe(once);
        expect(removeSection(once)).toBe(original);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the text around a section in the middle', () => {
    expect(removeSection(`top\n${SECTION}\nbottom\n`)).toBe('top\nbottom\n');
    expect(removeSection(`top\r\n${wrapSection(BODY, '\r\n')}\r\nbottom`)).toBe('top\r\nbottom');
  });

  it("a file holding only the section becomes '' (the caller deletes a file the pack created)", () => {
    expect(removeSection(upsertSection(undefined, BODY))).toBe('');
    expect(removeSection(SECTION)).toBe('');
  });

  it('text without a section is returned unchanged', () => {
    expect(removeSection('# Mine\n')).toBe('# Mine\n');
  });
});
