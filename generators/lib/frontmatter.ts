import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from 'yaml';
import { AiPackError } from './errors.js';

/** A frontmatter value: a scalar, a block list of scalars, or one level of nested map. */
type FrontmatterValue = string | string[] | Record<string, string>;

export interface Frontmatter {
  data: Record<string, FrontmatterValue>;
  body: string;
}

/** A key as skill and agent files write them: a plain word. */
const KEY = /^[A-Za-z_][\w-]*$/;

/** Stops at a problem: its line of the frontmatter (1 = the file's second line) and what is wrong. */
type Fail = (line: number, message: string) => never;

/**
 * Splits a Markdown file into its YAML frontmatter and body. The `yaml` package reads the frontmatter, so
 * quotes, escapes and comments mean what they mean to the client; what it reads is then held to the
 * block-style subset skill and agent files use: `key: scalar`, quoted strings, one level of nested map,
 * block lists, each value on one line. Anything else is an AiPackError naming `file:line`, rather than a
 * guess: flow style, block scalars, anchors and tags among it (the open-standard validator parses with
 * strictyaml, which refuses flow style).
 */
export function parseFrontmatter(text: string, file = '<text>'): Frontmatter {
  const { document, lines, end, frontmatter, lineOf, fail } = frontmatterDocument(text, file);
  const reader = new SubsetReader(frontmatter, lineOf, fail);
  return { data: reader.topLevel(document.contents), body: lines.slice(end + 1).join('\n') };
}

/**
 * The file with the entries of the list `key` in its frontmatter set to `values`, one by one (yaml's setIn, each
 * a plain scalar where YAML allows one), and the result held to the pack's subset. yaml writes the frontmatter
 * back (without folding long lines); the body stays as it was.
 */
export function setFrontmatterList(text: string, file: string, key: string, values: readonly string[]): string {
  const { document, lines, end } = frontmatterDocument(text, file);
  for (const [index, value] of values.entries()) document.setIn([key, index], document.createNode(value));
  const rewritten = ['---', `${document.toString({ lineWidth: 0 })}---`, ...lines.slice(end + 1)].join('\n');
  parseFrontmatter(rewritten, file);
  return rewritten;
}

/** The frontmatter's lines, read by yaml; an AiPackError naming `file:line` for a layout or YAML error. */
function frontmatterDocument(text: string, file: string) {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[0] !== '---') throw new AiPackError(`${file}:1: expected the file to start with a "---" frontmatter line`);
  const end = lines.indexOf('---', 1);
  if (end === -1) throw new AiPackError(`${file}:1: the frontmatter has no closing "---" line`);

  const frontmatter = lines.slice(1, end);
  const fail: Fail = (line, message) => {
    throw new AiPackError(`${file}:${line + 1}: ${message}`);
  };
  checkIndentation(frontmatter, fail);
  const source = frontmatter.join('\n');
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { schema: 'failsafe', uniqueKeys: false, prettyErrors: false, lineCounter });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const [error] = document.errors;
  if (error) {
    const line = lineOf(error.pos[0]);
    fail(line, yamlErrorMessage(error, frontmatter[line - 1] ?? ''));
  }
  return { document: document as Document, lines, end, frontmatter, lineOf, fail };
}

/**
 * The pack's layout: keys at the margin and, under a key, one level of entries at one indent. YAML would
 * read a line indented deeper as part of the value above it; this names that line instead.
 */
function checkIndentation(lines: string[], fail: Fail): void {
  // The indent of the entries under the last key at the margin, set by the first of them.
  let blockIndent: number | undefined;
  let afterKey = false;
  lines.forEach((line, index) => {
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) return;
    if (/^ *\t/.test(line)) fail(index + 1, 'tabs are not allowed in indentation');
    const indent = line.length - content.length;
    if (indent === 0) {
      afterKey = true;
      blockIndent = undefined;
      return;
    }
    if (!afterKey) fail(index + 1, 'unexpected indentation (keys start at the margin)');
    blockIndent ??= indent;
    if (indent !== blockIndent) fail(index + 1, 'inconsistent indentation (only one level of nesting is read)');
  });
}

/** yaml's complaint, in the words of the pack's rules where the text breaks one. */
function yamlErrorMessage(error: YAMLError, line: string): string {
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY')
    return /^\s*-(\s|$)/.test(line) ? 'a list item inside a map' : `quote a value that contains ": " (${line})`;
  if (error.code === 'MISSING_CHAR' && /closing .*quote/.test(error.message))
    return `unterminated quoted string (${line})`;
  return `not valid YAML (${error.message}): ${line}`;
}

/** Reads what yaml parsed as the subset, failing at the line of the first node outside it. */
class SubsetReader {
  constructor(
    private readonly lines: string[],
    private readonly lineOf: (offset: number) => number,
    private readonly fail: Fail,
  ) {}

  topLevel(contents: Node | null): Record<string, FrontmatterValue> {
    return contents === null ? {} : this.entries(contents, '', (value, key) => this.value(value, key));
  }

  /** A top-level value: a scalar, a block list of scalars or a map of scalars. */
  private value(node: Node | null, key: string): FrontmatterValue {
    if (node === null || isScalar(node)) return this.scalar(node);
    this.refuseUnsupported(node);
    if (isSeq(node)) return node.items.map((item) => this.scalar(item as Node | null));
    return this.entries(node, `${key}.`, (value) => this.scalar(value));
  }

  /** The `key: value` entries of a block map, each key once, in order; `prefix` names a nested map's keys. */
  private entries<Value>(node: Node, prefix: string, read: (value: Node | null, key: string) => Value) {
    this.refuseUnsupported(node);
    if (!isMap(node)) return this.fail(this.line(node), `expected "key: value", got "${this.lineText(node)}"`);
    const entries = new Map<string, Value>();
    for (const pair of node.items) {
      const key = pair.key as Node;
      const name = isScalar(key) && key.type === 'PLAIN' && !key.anchor && !key.tag ? String(key.value) : '';
      if (!KEY.test(name)) this.fail(this.line(key), `expected "key: value", got "${this.lineText(key)}"`);
      if (entries.has(name)) this.fail(this.line(key), `duplicate key "${prefix}${name}"`);
      entries.set(name, read(pair.value as Node | null, name));
    }
    return Object.fromEntries(entries);
  }

  /** A scalar on one line, as a string (an empty value is ""). */
  private scalar(node: Node | null): string {
    if (node === null) return '';
    this.refuseUnsupported(node);
    if (!isScalar(node)) return this.fail(this.line(node), 'nested too deep (only one level of nesting is read)');
    const [start, end] = node.range ?? [0, 0];
    if (this.lineOf(end) !== this.lineOf(start))
      this.fail(this.lineOf(end), 'unexpected indentation: the value above goes on here; write it on one line');
    return String(node.value);
  }

  private refuseUnsupported(node: Node): void {
    const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
    const flow = (isMap(node) || isSeq(node)) && node.flow;
    if (block || flow || isAlias(node) || node.anchor || node.tag)
      this.fail(this.line(node), `unsupported YAML (flow style, block scalar, anchor or tag): ${this.lineText(node)}`);
  }

  private line(node: Node): number {
    return this.lineOf(node.range?.[0] ?? 0);
  }

  private lineText(node: Node): string {
    return this.lines[this.line(node) - 1].trim();
  }
}

/** The `metadata` entry every pack file carries, so a copy is recognisable without an install record. */
const PACK_STAMP_NAME = 'generator-ai-pack';

/** The pack version a SKILL.md is stamped with; undefined for a skill that is not the pack's. */
export function packVersionOf(text: string, file: string): string | undefined {
  const { metadata } = parseFrontmatter(text, file).data;
  const stamp = typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
  return stamp.pack === PACK_STAMP_NAME ? stamp.version : undefined;
}
