import { applyEdits, findNodeAtLocation, type JSONPath, type Node, parseTree } from 'jsonc-parser';
import { detectEol, type Eol } from './eol.js';

/**
 * In-place edits of valid JSON text: append properties and array entries or replace a value (JsonDocument),
 * remove members (JsonRemovals, many from one parse). Every byte outside the edit stays, and an append is undone
 * by removing what it appended, byte for byte.
 *
 * jsonc-parser finds the nodes and applies the edits; the inserted text is written here rather than by
 * its `modify`, because `modify` reformats the whole lines it touches (an inline `["Edit"]` becomes a
 * block), which an uninstall could not undo. New text follows the file's own style instead: its indent
 * unit (spaces or tab), its line end, its `":"` spacing, and the layout of the container it goes into
 * (inline containers stay inline).
 */

export type { JSONPath, Node };

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

/** The keys of a JSON pointer (RFC 6901): `/permissions/allow` → `['permissions', 'allow']`. */
export function keysOf(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The JSON pointer (RFC 6901) of a path of keys. */
export function pointerOf(keys: readonly (string | number)[]): string {
  return keys.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * A JSON text edited in place, one edit after another: each edit reads the tree of the text it changes and
 * leaves a new text, which is parsed once, when the next read or edit needs it. Reads in between cost no parse.
 */
export class JsonDocument {
  #text: string;
  #parsed: { root: Node; style: Style } | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  get text(): string {
    return this.#text;
  }

  /** The node at `path` (a property's value, or an array entry), undefined when the path does not exist. */
  nodeAt(path: JSONPath): Node | undefined {
    return findNodeAtLocation(this.#tree().root, path);
  }

  /** The JSON value at `path`, read from its own text (so `__proto__` stays a key); undefined when absent. */
  valueAt(path: JSONPath): unknown {
    const node = this.nodeAt(path);
    return node && JSON.parse(this.#text.slice(node.offset, end(node)));
  }

  /** Adds `"key": value` after the last member of the object at `objectPath`. */
  appendProperty(objectPath: JSONPath, key: string, value: unknown): this {
    const { style } = this.#tree();
    return this.#append(objectPath, [
      (indent) => `${JSON.stringify(key)}${style.colon}${render(value, indent, style)}`,
    ]);
  }

  /** Adds `values` after the last entry of the array at `arrayPath`, as appending them one by one would. */
  appendItems(arrayPath: JSONPath, values: readonly unknown[]): this {
    const { style } = this.#tree();
    return this.#append(
      arrayPath,
      values.map((value) => (indent) => render(value, indent, style)),
    );
  }

  /**
   * Replaces the value at `path` with `value`, laid out as the old one was: a block at its line's indent where
   * it spread over several lines, inline where it did not. Every byte around it stays.
   */
  replaceValue(path: JSONPath, value: unknown): this {
    const node = this.nodeAt(path);
    if (!node) throw new Error(`json-edit: nothing at ${JSON.stringify(path)}`); // callers check first: a bug if reached
    const text = this.#text;
    const block = /[\r\n]/.test(text.slice(node.offset, end(node)));
    const indent = block ? lineIndent(text, node.offset) : undefined;
    return this.#edit(node.offset, end(node), render(value, indent, this.#tree().style));
  }

  #tree(): { root: Node; style: Style } {
    if (!this.#parsed) {
      const root = treeOf(this.#text);
      this.#parsed = { root, style: styleOf(this.#text, root) };
    }
    return this.#parsed;
  }

  #edit(from: number, to: number, content: string): this {
    this.#text = applyEdits(this.#text, [{ offset: from, length: to - from, content }]);
    this.#parsed = undefined;
    return this;
  }

  /**
   * Appends members (each rendered for an indent; undefined: inline) to the container at `containerPath`, in one
   * edit laid out as appending them one at a time would be: the first decides the layout, the others follow it.
   */
  #append(containerPath: JSONPath, members: ((indent: string | undefined) => string)[]): this {
    if (members.length === 0) return this;
    const { root, style } = this.#tree();
    const text = this.#text;
    const container = findNodeAtLocation(root, containerPath);
    if (!container || (container.type !== 'object' && container.type !== 'array')) {
      throw new Error(`json-edit: no object or array at ${JSON.stringify(containerPath)}`);
    }
    const open = container.offset;
    const close = end(container) - 1;
    const last = container.children?.at(-1);
    const inline = (gap: string) => members.map((member) => member(undefined)).join(`,${gap}`);
    const block = (indent: string) => members.map((member) => member(indent)).join(`,${style.eol}${indent}`);
    if (!last) {
      // Nothing to follow inside: a block in a file of several lines (and always at the top level), else inline.
      if (!style.multiline && container !== root)
        return this.#edit(open + 1, close, inline(inlineGap(text, container, style)));
      const indent = lineIndent(text, open);
      const inner = indent + style.unit;
      return this.#edit(open + 1, close, `${style.eol}${inner}${block(inner)}${style.eol}${indent}`);
    }
    if (/[\r\n]/.test(text.slice(open, close)) && startsLine(text, last.offset)) {
      const indent = lineIndent(text, last.offset);
      return this.#edit(end(last), end(last), `,${style.eol}${indent}${block(indent)}`);
    }
    const gap = inlineGap(text, container, style);
    return this.#edit(end(last), end(last), `,${gap}${inline(gap)}`);
  }
}

/**
 * Removes the property or array entry at `path` with the separator that joined it to its neighbours;
 * the last member out leaves `{}` or `[]`.
 */
export function removeAt(text: string, path: JSONPath): string {
  return removeAll(text, [path]);
}

/** Removes every path of `paths` (each as in the text given), as removeAt one by one would; linear. @internal */
export function removeAll(text: string, paths: JSONPath[]): string {
  const removals = new JsonRemovals(text);
  for (const path of paths) removals.removeAt(path);
  return removals.text();
}

/**
 * Many removals from one parse of the text, so that taking out n entries costs one pass, not n parses:
 * each lookup sees the removals made before it, as if each had been applied to the text in turn, and
 * `text()` gives exactly what removeAt one by one would. A member goes with the separator before it (after
 * it, when it is the first left); the last member out leaves `{}` or `[]`; every other byte stays.
 */
export class JsonRemovals {
  readonly root: Node;
  readonly #source: string;
  /** Members taken out: properties, and array entries. */
  readonly #removed = new Set<Node>();
  /** Containers and properties with a removal somewhere inside: the only nodes `text()` rebuilds. */
  readonly #touched = new Set<Node>();
  readonly #left = new Map<Node, number>();
  readonly #properties = new Map<Node, Map<string, Node>>();
  readonly #entries = new Map<Node, Map<string, Node[]>>();

  constructor(text: string) {
    this.#source = text;
    this.root = treeOf(text);
  }

  /** The value at `keys` (object keys only), undefined when absent or taken out. */
  at(keys: readonly string[]): Node | undefined {
    let node: Node | undefined = this.root;
    for (const key of keys) {
      if (node.type !== 'object') return undefined;
      const property = this.#propertiesOf(node).get(key);
      if (!property || this.#removed.has(property)) return undefined;
      node = property.children?.[1];
      if (!node) return undefined;
    }
    return node;
  }

  /** The last entry of `array` still in it whose JSON is `value`'s (key order counts). */
  lastEntry(array: Node, value: unknown): Node | undefined {
    const same = this.#entriesOf(array).get(JSON.stringify(value));
    while (same?.length && this.#removed.has(same.at(-1)!)) same.pop();
    return same?.at(-1);
  }

  /** The value of a node as written (read from its own text, so `__proto__` stays a key). */
  valueOf(node: Node): unknown {
    return JSON.parse(this.#source.slice(node.offset, end(node)));
  }

  /** True when every member of the object or array has been taken out (or it had none). */
  isEmpty(container: Node): boolean {
    return this.#membersLeft(container) === 0;
  }

  /** Takes out the member at `path` (a path in the text given, whatever was removed since), if there is one. */
  removeAt(path: JSONPath): void {
    const node = findNodeAtLocation(this.root, path);
    if (node) this.remove(node);
  }

  /** Takes out a property's value (with its key) or an array entry. */
  remove(node: Node): void {
    const member = node.parent?.type === 'property' ? node.parent : node;
    const container = member.parent;
    if (!container || this.#removed.has(member)) return;
    this.#left.set(container, this.#membersLeft(container) - 1);
    this.#removed.add(member);
    for (let at: Node | undefined = container; at && !this.#touched.has(at); at = at.parent) this.#touched.add(at);
  }

  /** The text with every removal applied. */
  text(): string {
    const source = this.#source;
    return source.slice(0, this.root.offset) + this.#render(this.root) + source.slice(end(this.root));
  }

  #render(node: Node): string {
    const source = this.#source;
    if (!this.#touched.has(node)) return source.slice(node.offset, end(node));
    const children = node.children!;
    if (node.type === 'property') {
      const value = children[1]!;
      return source.slice(node.offset, value.offset) + this.#render(value) + source.slice(end(value), end(node));
    }
    if (this.isEmpty(node)) return source[node.offset]! + source[end(node) - 1]!;
    // Each member left keeps the separator before it, the first left the text before the first member.
    let text = source.slice(node.offset, children[0]!.offset);
    let first = true;
    for (const [index, child] of children.entries()) {
      if (this.#removed.has(child)) continue;
      if (!first) text += source.slice(end(children[index - 1]!), child.offset);
      text += this.#render(child);
      first = false;
    }
    return text + source.slice(end(children.at(-1)!), end(node));
  }

  #membersLeft(container: Node): number {
    return this.#left.get(container) ?? container.children?.length ?? 0;
  }

  #propertiesOf(object: Node): Map<string, Node> {
    let properties = this.#properties.get(object);
    if (!properties) {
      properties = new Map();
      // The first of two equal keys, as findNodeAtLocation finds it (callers refuse such files anyway).
      for (const property of object.children ?? []) {
        const key = property.children![0]!.value as string;
        if (!properties.has(key)) properties.set(key, property);
      }
      this.#properties.set(object, properties);
    }
    return properties;
  }

  #entriesOf(array: Node): Map<string, Node[]> {
    let entries = this.#entries.get(array);
    if (!entries) {
      entries = new Map();
      for (const entry of array.children ?? []) {
        const json = JSON.stringify(this.valueOf(entry));
        const same = entries.get(json);
        if (same) same.push(entry);
        else entries.set(json, [entry]);
      }
      this.#entries.set(array, entries);
    }
    return entries;
  }
}

function end(node: Node): number {
  return node.offset + node.length;
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

function styleOf(text: string, root: Node): Style {
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
