import { detectEol, type Eol, toLf } from './eol.js';
import { AiPackError } from './errors.js';

/**
 * The pack owns only the lines between its two marker lines in CLAUDE.md; every other byte is the
 * user's. A marker counts only as a whole line (trailing spaces or a CR allowed): the same text quoted in
 * prose or in a code span is the user's. Markers that do not pair up stop the run, nothing changed.
 */

/** The start marker line. @internal */
export const SECTION_START = '<!-- generator-ai-pack:start -->';
/** The end marker line. @internal */
export const SECTION_END = '<!-- generator-ai-pack:end -->';

interface Section {
  /** Offset of the start marker line. */
  start: number;
  /** Offset just after the end marker line, before its line end (CR LF or LF), if any. */
  end: number;
  /** The line end the section's own lines use. */
  eol: Eol;
}

/** Where the marked section sits; undefined when there is none; an AiPackError when the markers do not pair. */
function findSection(text: string, file: string): Section | undefined {
  const starts: { line: number; offset: number }[] = [];
  const ends: { line: number; offset: number; end: number }[] = [];
  let offset = 0;
  text.split('\n').forEach((line, index) => {
    const content = line.replace(/[ \t\r]+$/, '');
    if (content === SECTION_START) starts.push({ line: index + 1, offset });
    // The marker line's trailing spaces go with it; its CR stays with the line end.
    if (content === SECTION_END) ends.push({ line: index + 1, offset, end: offset + line.replace(/\r$/, '').length });
    offset += line.length + 1;
  });
  if (starts.length === 0 && ends.length === 0) return undefined;
  const [start, secondStart] = starts;
  const [end, secondEnd] = ends;
  if (secondStart) {
    throw markerError(
      file,
      secondStart.line,
      `a second generator-ai-pack section starts here (the first starts at line ${start!.line})`,
    );
  }
  if (secondEnd)
    throw markerError(file, secondEnd.line, `a second "${SECTION_END}" line (the first is line ${end!.line})`);
  if (!end)
    throw markerError(
      file,
      start!.line,
      `the generator-ai-pack section starts here but no "${SECTION_END}" line ends it`,
    );
  if (!start || start.line > end.line) {
    throw markerError(file, end.line, `a "${SECTION_END}" line with no "${SECTION_START}" line above it`);
  }
  return {
    start: start.offset,
    end: end.end,
    eol: text.slice(start.offset).match(/\r?\n/)?.[0] === '\r\n' ? '\r\n' : '\n',
  };
}

function markerError(file: string, line: number, what: string): AiPackError {
  return new AiPackError(
    `${file}:${line}: ${what}. The pack's section is the lines from "${SECTION_START}" to "${SECTION_END}", each marker a line ` +
      'of its own; fix the markers (or delete both with the lines between) and run again; no file was changed.',
  );
}

/** The section as written: both markers around the body, no line end after the end marker. @internal */
export function wrapSection(body: string, eol: Eol = '\n'): string {
  return [SECTION_START, ...toLf(body).trim().split('\n'), SECTION_END].join(eol);
}

/**
 * Replaces the marked section in place, or appends it after the user's text (a blank line between), in
 * the file's own line ends. `removeSection` undoes an append byte for byte. A file that does not end with a
 * line end gets none after the section either, which is how the removal knows to take none away.
 */
export function upsertSection(existing: string | undefined, body: string, file = 'CLAUDE.md'): string {
  if (existing === undefined || existing === '') return `${wrapSection(body)}\n`;
  const section = findSection(existing, file);
  if (section) return existing.slice(0, section.start) + wrapSection(body, section.eol) + existing.slice(section.end);
  const eol = detectEol(existing);
  if (existing.endsWith('\n')) return `${existing}${eol}${wrapSection(body, eol)}${eol}`;
  return `${existing}${eol}${eol}${wrapSection(body, eol)}`;
}

/**
 * CLAUDE.md with the marked section (and the blank line the append put before it) taken out; the text
 * itself when there is no section. '' when nothing else was in the file: the caller decides whether the
 * file goes (it does when the pack created it).
 */
export function removeSection(existing: string, file = 'CLAUDE.md'): string {
  const section = findSection(existing, file);
  if (!section) return existing;
  const { eol } = section;
  const before = existing.slice(0, section.start);
  const after = existing.slice(section.end);
  if (after === '') {
    // Appended to a text without a final line end: the two line ends before the section were the pack's.
    return before.endsWith(eol + eol)
      ? before.slice(0, -2 * eol.length)
      : before.endsWith(eol)
        ? before.slice(0, -eol.length)
        : before;
  }
  const rest = after.slice(after.startsWith(eol) ? eol.length : after.startsWith('\n') ? 1 : 0);
  // Appended at the end: the blank line before it was the pack's.
  const blankLineBefore = before.endsWith(eol) && before.slice(0, -eol.length).endsWith('\n');
  if (rest === '' && blankLineBefore) return before.slice(0, -eol.length);
  return before + rest;
}
