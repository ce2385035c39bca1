import { AiPackError } from './errors.js';

/** A frontmatter value: a scalar, a block list of scalars, or one level of nested map. */
type FrontmatterValue = string | string[] | Record<string, string>;

export interface Frontmatter {
  data: Record<string, FrontmatterValue>;
  body: string;
}

const KEY_LINE = /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/;
// Plain scalars may not start with these: flow collections, block scalars, anchors, tags...
// (the open-standard validator parses with strictyaml, which rejects flow style).
const UNSUPPORTED_START = /^[[{|>&*!%@`]/;

/**
 * Splits a Markdown file into its YAML frontmatter and body. Reads only the block-style
 * subset skill and agent files use: `key: scalar`, quoted strings, one level of nested map,
 * block lists. Anything else is an AiPackError naming `file:line`, rather than a guess.
 */
export function parseFrontmatter(text: string, file = '<text>'): Frontmatter {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[0] !== '---') throw new AiPackError(`${file}:1: expected the file to start with a "---" frontmatter line`);
  const end = lines.indexOf('---', 1);
  if (end === -1) throw new AiPackError(`${file}:1: the frontmatter has no closing "---" line`);

  const data: Record<string, FrontmatterValue> = {};
  // Index into `lines`; the file line number is index + 1.
  let index = 1;
  const fail = (message: string): never => {
    throw new AiPackError(`${file}:${index + 1}: ${message}`);
  };
  const isSkippable = (line: string) => line.trim() === '' || line.trimStart().startsWith('#');
  const indentOf = (line: string) => line.length - line.trimStart().length;

  while (index < end) {
    const line = lines[index];
    if (isSkippable(line)) {
      index++;
      continue;
    }
    if (/^\s/.test(line)) fail('unexpected indentation');
    const match = KEY_LINE.exec(line) ?? fail(`expected "key: value", got "${line}"`);
    const [, key, rawValue = ''] = match;
    if (key in data) fail(`duplicate key "${key}"`);
    if (rawValue.trim() !== '') {
      data[key] = parseScalar(rawValue, fail);
      index++;
      continue;
    }
    index++;
    // An empty value opens a nested block: a list (`- item`) or a map (`key: value`).
    const block: string[] = [];
    const map: Record<string, string> = {};
    let blockIndent: number | undefined;
    while (index < end && (isSkippable(lines[index]) || /^\s/.test(lines[index]))) {
      const nested = lines[index];
      if (isSkippable(nested)) {
        index++;
        continue;
      }
      if (/^ *\t/.test(nested)) fail('tabs are not allowed in indentation');
      blockIndent ??= indentOf(nested);
      if (indentOf(nested) !== blockIndent) fail('inconsistent indentation (only one level of nesting is read)');
      const content = nested.trimStart();
      if (content === '-' || content.startsWith('- ')) {
        if (Object.keys(map).length > 0) fail('a list item inside a map');
        block.push(parseScalar(content.slice(1).trim(), fail));
      } else {
        if (block.length > 0) fail('a map entry inside a list');
        const entry = KEY_LINE.exec(content) ?? fail(`expected "key: value", got "${content}"`);
        if (entry[1] in map) fail(`duplicate key "${key}.${entry[1]}"`);
        map[entry[1]] = parseScalar(entry[2] ?? '', fail);
      }
      index++;
    }
    data[key] = block.length > 0 ? block : Object.keys(map).length > 0 ? map : '';
  }
  return { data, body: lines.slice(end + 1).join('\n') };
}

function parseScalar(raw: string, fail: (message: string) => never): string {
  const value = raw.trim();
  if (value.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(value)) fail(`unterminated or trailing text after double-quoted string ${value}`);
    try {
      return JSON.parse(value) as string;
    } catch {
      return fail(`unsupported escape in ${value}`);
    }
  }
  if (value.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(value)) fail(`unterminated or trailing text after single-quoted string ${value}`);
    return value.slice(1, -1).replace(/''/g, "'");
  }
  if (UNSUPPORTED_START.test(value)) fail(`unsupported YAML (flow style, block scalar, anchor or tag): ${value}`);
  const plain = value.replace(/\s+#.*$/, '');
  // YAML refuses ": " inside a plain scalar; the client would fail to parse the file.
  if (plain.includes(': ')) fail(`quote a value that contains ": ": ${plain}`);
  return plain;
}

/** The `metadata` entry every pack file carries, so a copy is recognisable without an install record. */
const PACK_STAMP_NAME = 'generator-ai-pack';

/** The pack version a SKILL.md is stamped with; undefined for a skill that is not the pack's. */
export function packVersionOf(text: string, file: string): string | undefined {
  const { metadata } = parseFrontmatter(text, file).data;
  const stamp = typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
  return stamp.pack === PACK_STAMP_NAME ? stamp.version : undefined;
}
