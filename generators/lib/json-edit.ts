import { applyEdits, findNodeAtLocation, type JSONPath, type Node, parseTree } from 'jsonc-parser';
import { detectEol, type Eol } from './eol.js';

/**
 * In-place edits of valid JSON text: append a property or an array entry, replace a value, remove one. Every byte
 * outside the edit stays, and an append is undone by removing what it appended, byte for byte.
 *
 * jsonc-parser finds the nodes and applies the edits; the inserted text is written here rather than by
 * its `modify`, because `modify` reformats the whole lines it touches (an inline `["Edit"]` becomes a
 * block), which an uninstall could not undo. New text follows the file's own style instead: its indent
 * unit (spaces or tab), its line end, its `":"` spacing, and the layout of the container it goes into
 * (inline containers stay inline).
 */

export type { JSONPath };

interface Style {
  eol: Eol;
  /** One level of indent, taken from the first member of the top-level object. */
  unit: string;
  /** What separates a key from its value, e.g. `": "` or `":"`. */
  colon: string;
  /** The file has more than one line: an empty container that gets members opens up into a block. */
  multiline: boolean;
}

function treeOf(text: string): Node {
  const root = parseTree(text);
  if (!root) throw new Error('json-edit: the text is not JSON'); // callers validate first: a bug if reached
  return root;
}

/** The node at `path` (a property's value, or an array entry), undefined when the path does not exist. */
export function nodeAt(text: string, path: JSONPath): Node | undefined {
  return findNodeAtLocation(treeOf(text), path);
}

/** The JSON value at `path`, read from its own text (so `__proto__` stays a key); undefined when absent. */
export function valueAt(text: string, path: JSONPath): unknown {
  const node = nodeAt(text, path);
  return node && JSON.parse(text.slice(node.offset, node.offset + node.length));
}

/** Adds `"key": value` after the last member of the object at `objectPath`. */
export function appendProperty(text: string, objectPath: JSONPath, key: string, value: unknown): string {
  const style = styleOf(text);
  return appendMember(
    text,
    objectPath,
    (indent) => `${JSON.stringify(key)}${style.colon}${render(value, indent, style)}`,
  );
}

/** Adds `value` after the last entry of the array at `arrayPath`. */
export function appendItem(text: string, arrayPath: JSONPath, value: unknown): string {
  const style = styleOf(text);
  return appendMember(text, arrayPath, (indent) => render(value, indent, style));
}

/**
 * Replaces the value at `path` with `value`, laid out as the old one was: a block at its line's indent where
 * it spread over several lines, inline where it did not. Every byte around it stays.
 */
export function replaceValue(text: string, path: JSONPath, value: unknown): string {
  const node = nodeAt(text, path);
  if (!node) throw new Error(`json-edit: nothing at ${JSON.stringify(path)}`); // callers check first: a bug if reached
  const block = /[\r\n]/.test(text.slice(node.offset, end(node)));
  return insert(
    text,
    node.offset,
    end(node),
    render(value, block ? lineIndent(text, node.offset) : undefined, styleOf(text)),
  );
}

/**
 * Removes the property or array entry at `path` with the separator that joined it to its neighbours;
 * the last member out leaves `{}` or `[]`.
 */
export function removeAt(text: string, path: JSONPath): string {
  const node = nodeAt(text, path);
  if (!node) return text;
  const member = node.parent?.type === 'property' ? node.parent : node;
  const container = member.parent!;
  const siblings = container.children!;
  const index = siblings.indexOf(member);
  const [from, to] =
    siblings.length === 1
      ? [container.offset + 1, container.offset + container.length - 1]
      : index > 0
        ? [end(siblings[index - 1]!), end(member)]
        : [member.offset, siblings[1]!.offset];
  return applyEdits(text, [{ offset: from, length: to - from, content: '' }]);
}

function end(node: Node): number {
  return node.offset + node.length;
}

/** `member(indent)` renders the new member; indent undefined means inline. */
function appendMember(text: string, containerPath: JSONPath, member: (indent: string | undefined) => string): string {
  const root = treeOf(text);
  const container = findNodeAtLocation(root, containerPath);
  if (!container || (container.type !== 'object' && container.type !== 'array')) {
    throw new Error(`json-edit: no object or array at ${JSON.stringify(containerPath)}`);
  }
  const style = styleOf(text);
  const open = container.offset;
  const close = end(container) - 1;
  const last = container.children?.at(-1);
  if (!last) {
    // Nothing to follow inside: a block in a file of several lines (and always at the top level), else inline.
    if (!style.multiline && container !== root) return insert(text, open + 1, close, member(undefined));
    const indent = lineIndent(text, open);
    const inner = indent + style.unit;
    return insert(text, open + 1, close, `${style.eol}${inner}${member(inner)}${style.eol}${indent}`);
  }
  const blockLayout = /[\r\n]/.test(text.slice(open, close)) && startsLine(text, last.offset);
  if (blockLayout) {
    const indent = lineIndent(text, last.offset);
    return insert(text, end(last), end(last), `,${style.eol}${indent}${member(indent)}`);
  }
  return insert(text, end(last), end(last), `,${inlineGap(text, container, style)}${member(undefined)}`);
}

function insert(text: string, from: number, to: number, content: string): string {
  return applyEdits(text, [{ offset: from, length: to - from, content }]);
}

/** The space after a comma in an inline container: as between its last two members, else as after a colon. */
function inlineGap(text: string, container: Node, style: Style): string {
  const children = container.children!;
  if (children.length >= 2) {
    const between = text.slice(end(children.at(-2)!), children.at(-1)!.offset);
    const gap = between.slice(between.indexOf(',') + 1);
    if (!/[\r\n]/.test(gap)) return gap;
  }
  return style.colon.endsWith(' ') ? ' ' : '';
}

function styleOf(text: string): Style {
  const root = treeOf(text);
  const first = root.children?.[0];
  const unit = first && startsLine(text, first.offset) ? lineIndent(text, first.offset) : '';
  return {
    eol: detectEol(text),
    unit: unit === '' ? '  ' : unit,
    colon: colonOf(text, root) ?? ': ',
    multiline: /[\r\n]/.test(text),
  };
}

/** The text between the key and the value of the first property in the file. */
function colonOf(text: string, node: Node): string | undefined {
  if (node.type === 'property') {
    const [key, value] = node.children!;
    if (key && value) return text.slice(end(key), value.offset);
  }
  for (const child of node.children ?? []) {
    const found = colonOf(text, child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The spaces and tabs that start the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];
}

function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

function lineStart(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
}

/** A value as new JSON text: inline, or as a block whose first line sits at `indent`. */
function render(value: unknown, indent: string | undefined, style: Style): string {
  const inline = indent === undefined;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (inline)
      return `[${value.map((item) => render(item, undefined, style)).join(`,${style.colon.endsWith(' ') ? ' ' : ''}`)}]`;
    const inner = indent + style.unit;
    return `[${style.eol}${value.map((item) => inner + render(item, inner, style)).join(`,${style.eol}`)}${style.eol}${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const member = (key: string, item: unknown, at: string | undefined) =>
      `${JSON.stringify(key)}${style.colon}${render(item, at, style)}`;
    if (inline)
      return `{${entries.map(([key, item]) => member(key, item, undefined)).join(`,${style.colon.endsWith(' ') ? ' ' : ''}`)}}`;
    const inner = indent + style.unit;
    return `{${style.eol}${entries.map(([key, item]) => inner + member(key, item, inner)).join(`,${style.eol}`)}${style.eol}${indent}}`;
  }
  return JSON.stringify(value);
}
