/**
 * The command lines a CI configuration runs: the `run:` steps of a GitHub Actions workflow and the `script:`
 * entries of `.gitlab-ci.yml`, each with its line, for command-shape.ts to judge. Read with a line scanner
 * that knows the little of YAML these keys use (block mappings, sequences, `|`/`>` block scalars, inline
 * values, comments), in one pass: a full YAML parser would also expand the anchors and aliases of text
 * nobody trusts, for nothing detection needs.
 *
 * A GitHub step with its own `working-directory` runs elsewhere than the repository root, where the pack
 * goes: its commands are left out, and a workflow whose `defaults: run: working-directory` moves every step
 * is left out whole. GitLab's `before_script` (set-up) and `after_script` are not the job's commands.
 */

export interface CommandLine {
  text: string;
  line: number;
  /** What the configuration calls the step or job ("Run tests", "build"), when it names it. */
  context?: string;
}

interface Line {
  /** 1-based. */
  number: number;
  /** Column of the first character (a sequence item's `-`). */
  indent: number;
  /** Column of the content after any `- ` sequence markers. */
  column: number;
  /** True when the line starts a sequence item (`- `). */
  item: boolean;
  /** `key: value` → the key; a plain sequence item has none. */
  key?: string;
  /** The value after the key (or the item's content), its comment removed. */
  value: string;
}

/** A block mapping being read: its column, and what its keys say. */
interface Mapping {
  column: number;
  /** The key this mapping is the value of (`run` for `defaults: run:`); none for a sequence item. */
  parentKey?: string;
  lastKey?: string;
  /** The step's `name:`. */
  name?: string;
  runs: CommandLine[];
  workingDirectory: boolean;
}

export function githubRunCommands(text: string): CommandLine[] {
  const lines = text.split('\n');
  const commands: CommandLine[] = [];
  const open: Mapping[] = [];
  let movedWholeWorkflow = false;
  const close = (mapping: Mapping) => {
    if (!mapping.workingDirectory) for (const run of mapping.runs) commands.push({ ...run, context: mapping.name });
    else if (mapping.parentKey === 'run') movedWholeWorkflow = true;
  };
  for (let index = 0; index < lines.length; index++) {
    const line = parseLine(lines[index], index + 1);
    if (line?.key === undefined) continue;
    // A shallower line ends the mappings below it; a new item at a mapping's column ends that item's mapping.
    for (let top = open.at(-1); top && (top.column > line.column || (line.item && top.column === line.column)); ) {
      close(open.pop()!);
      top = open.at(-1);
    }
    let mapping = open.at(-1);
    if (mapping?.column !== line.column) {
      const parentKey = line.item ? undefined : mapping?.lastKey;
      mapping = { column: line.column, parentKey, runs: [], workingDirectory: false };
      open.push(mapping);
    }
    mapping.lastKey = line.key;
    if (line.key === 'working-directory') mapping.workingDirectory = true;
    if (line.key === 'name') mapping.name = line.value;
    const value = valueLines(lines, index, line);
    if (line.key === 'run') append(mapping.runs, value.commands);
    index = value.last;
  }
  while (open.length > 0) close(open.pop()!);
  return movedWholeWorkflow ? [] : commands;
}

/** Each job's `script:` lines; the job's name and `stage:` are their context ("unit-tests test"). */
export function gitlabScriptCommands(text: string): CommandLine[] {
  const lines = text.split('\n');
  const commands: CommandLine[] = [];
  let job = { name: '', stage: '', scripts: [] as CommandLine[] };
  const flush = () => {
    const context = `${job.name} ${job.stage}`;
    for (const script of job.scripts) commands.push({ ...script, context });
  };
  for (let index = 0; index < lines.length; index++) {
    const line = parseLine(lines[index], index + 1);
    if (line === undefined) continue;
    if (line.column === 0 && line.key !== undefined) {
      flush();
      job = { name: line.key, stage: '', scripts: [] };
    }
    if (line.key === 'stage') job.stage = line.value;
    const value = valueLines(lines, index, line);
    index = value.last;
    if (line.key !== 'script') continue;
    append(job.scripts, value.commands);
    if (line.value !== '') continue;
    // A sequence, its items at the key's column or deeper: `script:` / `  - make test`.
    for (let next = index + 1; next < lines.length; next++) {
      const item = parseLine(lines[next], next + 1);
      if (item === undefined) continue;
      if (!item.item || item.key !== undefined || item.indent < line.column) break;
      const itemValue = valueLines(lines, next, item);
      append(job.scripts, itemValue.commands);
      index = next = itemValue.last;
    }
  }
  flush();
  return commands;
}

/**
 * The command lines of the value on `lines[index]`: an inline value (quotes removed), or the lines of a
 * `|`/`>` block scalar below it (indented deeper than its key, or than the `-` of a plain item), a shell
 * line ending in `\` joined to the next. `last` is the index of the value's last line.
 */
function valueLines(lines: readonly string[], index: number, line: Line): { commands: CommandLine[]; last: number } {
  const { value, number } = line;
  const parent = line.key === undefined ? line.indent : line.column;
  if (!/^[|>][-+0-9]*$/.test(value)) {
    const inline = unquote(value);
    const commands =
      inline === undefined || inline === '' || inline.startsWith('[') ? [] : [{ text: inline, line: number }];
    return { commands, last: index };
  }
  const commands: CommandLine[] = [];
  /** The pieces of a shell line continued with `\`, joined once it ends: linear however many there are. */
  let pieces: string[] = [];
  let first = 0;
  let last = index;
  for (let next = index + 1; next < lines.length; next++) {
    const text = withoutCr(lines[next]);
    const trimmed = text.trim();
    if (trimmed !== '' && indentOf(text) <= parent) break;
    last = next;
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const command = stripComment(trimmed);
    if (pieces.length === 0) first = next + 1;
    const continued = command.endsWith('\\');
    pieces.push(continued ? command.slice(0, -1).trimEnd() : command);
    if (!continued) {
      commands.push({ text: pieces.join(' '), line: first });
      pieces = [];
    }
  }
  if (pieces.length > 0) commands.push({ text: pieces.join(' '), line: first });
  return { commands, last };
}

/** A key these scanners look for (`run`, `working-directory`), read where it starts: sticky, no search. */
const KEY = /[A-Za-z0-9_-]+/y;

/** A line as the scanners see it; undefined for blank lines, comments and lines indented with tabs. */
function parseLine(raw: string, number: number): Line | undefined {
  const text = withoutCr(raw);
  const indent = indentOf(text);
  if (indent === text.length || text[indent] === '\t' || text[indent] === '#') return undefined;
  let column = indent;
  let item = false;
  while (text[column] === '-' && (text[column + 1] === ' ' || column + 1 === text.length)) {
    item = true;
    column = indentOf(text, column + 1);
  }
  KEY.lastIndex = column;
  const key = KEY.exec(text)?.[0];
  const colon = indentOf(text, KEY.lastIndex);
  const isKey = key !== undefined && text[colon] === ':' && (colon + 1 === text.length || text[colon + 1] === ' ');
  return isKey
    ? { number, indent, column, item, key, value: stripComment(text.slice(colon + 1).trim()) }
    : { number, indent, column, item, value: stripComment(text.slice(column).trim()) };
}

/** The column of the first character that is not a space, from `from` on. */
function indentOf(text: string, from = 0): number {
  let column = from;
  while (text[column] === ' ') column++;
  return column;
}

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Removes a trailing ` # comment` (YAML and shell alike start one with `#` after a space). */
function stripComment(text: string): string {
  const at = text.search(/\s#/);
  return (at < 0 ? text : text.slice(0, at)).trimEnd();
}

/** A plain value as is; a quoted one without escapes or inner quotes unquoted; anything else: undefined. */
function unquote(value: string): string | undefined {
  const quote = value[0];
  if (quote !== '"' && quote !== "'") return value;
  const inner = value.slice(1, -1);
  const simple = value.length >= 2 && value.endsWith(quote) && !inner.includes(quote) && !inner.includes('\\');
  return simple ? inner : undefined;
}

/** `target.push(...items)` without spreading: a file of a million lines must not overflow the call stack. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
