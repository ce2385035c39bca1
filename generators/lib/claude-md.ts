/**
 * The pack owns only the lines between its two markers in CLAUDE.md; every other line is the user's
 * and is kept byte for byte.
 */
export const SECTION_START = '<!-- generator-ai-pack:start -->';
export const SECTION_END = '<!-- generator-ai-pack:end -->';

interface Span {
  start: number;
  end: number;
}

/** Where the marked section sits, end marker included; undefined when there is none. */
function findSection(text: string): Span | undefined {
  const start = text.indexOf(SECTION_START);
  if (start < 0) return undefined;
  const endMarker = text.indexOf(SECTION_END, start);
  if (endMarker < 0) return undefined;
  return { start, end: endMarker + SECTION_END.length };
}

/** The section as written: both markers around the body, no trailing newline. */
export function wrapSection(body: string): string {
  return `${SECTION_START}\n${body.trim()}\n${SECTION_END}`;
}

/** Replace the marked section in place, or append it after the user's text. */
export function upsertSection(existing: string | undefined, body: string): string {
  const section = wrapSection(body);
  if (!existing) return `${section}\n`;
  const span = findSection(existing);
  if (span) return existing.slice(0, span.start) + section + existing.slice(span.end);
  const separator = existing.endsWith('\n') ? '\n' : '\n\n';
  return `${existing}${separator}${section}\n`;
}

/** CLAUDE.md with the marked section taken out; undefined when nothing but the section was left. */
export function removeSection(existing: string): string | undefined {
  const span = findSection(existing);
  if (!span) return existing;
  const before = existing.slice(0, span.start);
  const after = existing.slice(span.end).replace(/^\n/, '');
  const rest = (before.endsWith('\n\n') && (after === '' ) ? before.slice(0, -1) : before) + after;
  return rest === '' ? undefined : rest;
}

export function hasSection(text: string): boolean {
  return findSection(text) !== undefined;
}
