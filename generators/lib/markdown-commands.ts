import { approvableCommand, COMMAND_KINDS, type CommandKind, type StatedCommand } from './command-shape.js';

/**
 * The test and build commands a Markdown file (AGENTS.md, CLAUDE.md, CONTRIBUTING.md) names: a code span
 * (`` `bun test` ``) or a fenced-block line, where the words around it are about testing or building: the
 * rest of its line, a `# comment` on a fenced line or the comment line above it, the sentence that opens
 * the block, or a heading it stands under ("## Running tests"). A span right after "not", "never",
 * "instead of" or "don't" is what the project says not to run.
 *
 * One pass, line by line; what each line says about testing or building is worked out once, when the line
 * is read, so a long heading or sentence costs its length once, not once per command under it.
 */
export function commandsInMarkdown(text: string): StatedCommand[] {
  const found: StatedCommand[] = [];
  /** What each heading level's current heading is about. */
  const headings: About[] = [];
  let fence: string | undefined;
  /** Whether the line just before is prose (a setext underline then makes it a heading), and what it is about. */
  let before: About | undefined;
  let previousProse = NOTHING;
  let blockIntro = NOTHING;
  let blockComment = NOTHING;
  for (const [index, raw] of text.split('\n').entries()) {
    const trimmed = raw.trim();
    const line = index + 1;
    if (fence !== undefined) {
      if (trimmed.startsWith(fence)) fence = undefined;
      else if (trimmed.startsWith('#')) blockComment = aboutOf(trimmed);
      else {
        const { command, comment } = splitShellComment(trimmed.startsWith('$ ') ? trimmed.slice(2) : trimmed);
        add(found, [command], line, [aboutOf(comment), blockComment, blockIntro, ...headings]);
      }
      continue;
    }
    const marker = fenceMarker(trimmed);
    const level = headingLevel(trimmed);
    if (marker) {
      fence = marker;
      blockIntro = previousProse;
      blockComment = NOTHING;
    } else if (level > 0) {
      setHeading(headings, level, aboutOf(trimmed.slice(level)));
    } else if (before && isSetextUnderline(trimmed)) {
      setHeading(headings, trimmed.startsWith('=') ? 1 : 2, before);
    } else {
      const parts = raw.split('`');
      const spans = codeSpans(parts);
      const prose = aboutOf(parts.filter((_, i) => i % 2 === 0).join(' '));
      if (spans.length > 0) add(found, spans, line, [prose, ...headings]);
      before = trimmed === '' ? undefined : aboutOf(trimmed);
      if (before) previousProse = before;
      continue;
    }
    before = undefined;
  }
  return found;
}

type About = Record<CommandKind, boolean>;

const NOTHING: About = { test: false, build: false };

const ABOUT: Record<CommandKind, RegExp> = {
  test: /\btest(s|ing|ed)?\b/i,
  build: /\b(build(s|ing)?|compil(e|es|ing|ation))\b/i,
};

function aboutOf(text: string): About {
  return { test: ABOUT.test.test(text), build: ABOUT.build.test(text) };
}

/** Each of `commands` that is a test (build) command, when some context is about testing (building). */
function add(found: StatedCommand[], commands: readonly string[], line: number, context: readonly About[]): void {
  for (const kind of COMMAND_KINDS) {
    if (!context.some((about) => about?.[kind])) continue;
    for (const text of commands) {
      const command = approvableCommand(text, kind, { bareBuilder: true });
      if (command) found.push({ kind, command, line });
    }
  }
}

/** "make test   # the tests" → the command and its comment (a `#` after a space starts one). */
function splitShellComment(line: string): { command: string; comment: string } {
  const at = line.search(/\s#/);
  return at < 0 ? { command: line, comment: '' } : { command: line.slice(0, at), comment: line.slice(at + 2) };
}

/** The fence that opens a block (```` ``` ````, `~~~`, longer), else undefined. */
function fenceMarker(trimmed: string): string | undefined {
  const char = trimmed[0];
  if (char !== '`' && char !== '~') return undefined;
  let length = 0;
  while (trimmed[length] === char) length++;
  return length >= 3 ? char.repeat(length) : undefined;
}

/** 1-6 for an ATX heading (`## Testing`), else 0. */
function headingLevel(trimmed: string): number {
  let level = 0;
  while (level < 7 && trimmed[level] === '#') level++;
  return level <= 6 && (trimmed[level] === ' ' || trimmed[level] === '\t') ? level : 0;
}

function isSetextUnderline(trimmed: string): boolean {
  if (trimmed.length < 3 || (trimmed[0] !== '=' && trimmed[0] !== '-')) return false;
  for (const char of trimmed) if (char !== trimmed[0]) return false;
  return true;
}

/** A heading ends the sections of its own and deeper levels. */
function setHeading(headings: About[], level: number, about: About): void {
  headings.length = Math.min(headings.length, level - 1);
  headings[level - 1] = about;
}

/**
 * The code spans of a line split at its backticks: the odd parts (a last odd part is an unclosed backtick, no
 * span), except those the clause around them says not to run: "…, not `jest`", "instead of `pytest`",
 * "Don't use `npm test` or `pytest`". A clause ends at `.`, `;` or `:`.
 */
function codeSpans(parts: readonly string[]): string[] {
  const spans: string[] = [];
  let negatedClause = false;
  for (let i = 1; i < parts.length - 1; i += 2) {
    const prose = parts[i - 1];
    const end = Math.max(prose.lastIndexOf('.'), prose.lastIndexOf(';'), prose.lastIndexOf(':'));
    negatedClause = (end < 0 && negatedClause) || NEGATION.test(prose.slice(end + 1));
    if (!negatedClause) spans.push(parts[i]);
  }
  return spans;
}

const NEGATION = /\b(not|never|avoid|instead of|rather than)\b|n't\b/i;
