import fc from 'fast-check';
import { findNodeAtLocation, type JSONPath, type Node, parseTree } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { JsonDocument, JsonRemovals, removeAll, removeAt } from '../../generators/lib/json-edit.js';

/** One edit each, on a document of its own. */
const appendProperty = (text: string, path: JSONPath, key: string, value: unknown) =>
  new JsonDocument(text).appendProperty(path, key, value).text;
const appendItem = (text: string, path: JSONPath, value: unknown) =>
  new JsonDocument(text).appendItems(path, [value]).text;
const valueAt = (text: string, path: JSONPath) => new JsonDocument(text).valueAt(path);

describe('appendProperty and appendItem', () => {
  it('follow a block layout: the indent of the last member, the line end of the file', () => {
    expect(appendProperty('{\n    "a": 1\n}\n', [], 'b', { c: [1] })).toBe(
      '{\n    "a": 1,\n    "b": {\n        "c": [\n            1\n        ]\n    }\n}\n',
    );
    expect(appendItem('{\r\n\t"a": [\r\n\t\t"x"\r\n\t]\r\n}', ['a'], 'y')).toBe(
      '{\r\n\t"a": [\r\n\t\t"x",\r\n\t\t"y"\r\n\t]\r\n}',
    );
  });

  it('keep an inline container inline, with the spacing between its last members', () => {
    expect(appendItem('{\n  "a": ["x",  "y"]\n}', ['a'], 'z')).toBe('{\n  "a": ["x",  "y",  "z"]\n}');
    expect(appendItem('{"a":["x"]}', ['a'], 'y')).toBe('{"a":["x","y"]}');
    expect(appendProperty('{"a": {"b": 1}}', ['a'], 'c', [2, 3])).toBe('{"a": {"b": 1, "c": [2, 3]}}');
  });

  it('open an empty container into a block in a file of several lines (always at the top level), else inline', () => {
    expect(appendItem('{\n  "a": []\n}', ['a'], 'x')).toBe('{\n  "a": [\n    "x"\n  ]\n}');
    expect(appendItem('{"a": []}', ['a'], 'x')).toBe('{"a": ["x"]}');
    expect(appendProperty('{}', [], 'a', 1)).toBe('{\n  "a": 1\n}');
  });

  it('write a key named __proto__ and odd keys as keys', () => {
    const text = appendProperty('{}', [], '__proto__', { 'a"b': 1 });
    expect(text).toBe('{\n  "__proto__": {\n    "a\\"b": 1\n  }\n}');
    expect(Object.keys(valueAt(text, []) as object)).toEqual(['__proto__']);
  });
});

describe('JsonDocument', () => {
  it('appends several entries in one edit byte for byte as one by one, whatever the layout', () => {
    const arrayPaths = (value: unknown, path: JSONPath = []): JSONPath[] =>
      Array.isArray(value)
        ? [path, ...value.flatMap((item, index) => arrayPaths(item, [...path, index]))]
        : typeof value === 'object' && value !== null
          ? Object.entries(value).flatMap(([key, inner]) => arrayPaths(inner, [...path, key]))
          : [];
    const items = fc.array(fc.oneof(fc.constantFrom('x', 'new', 2), fc.dictionary(fc.constantFrom('p'), fc.nat(3))), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        json.chain((value) =>
          fc.tuple(
            fc.constantFrom(...arrayPaths({ ...value, z: [] })),
            layouts.map((layout) => layout({ ...value, z: [] })),
            items,
          ),
        ),
        ([path, text, values]) => {
          const oneByOne = values.reduce((edited: string, value) => appendItem(edited, path, value), text);
          expect(new JsonDocument(text).appendItems(path, values).text).toBe(oneByOne);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('edits one after another, each reading the text the one before left', () => {
    const document = new JsonDocument('{"a": []}');
    document.appendItems(['a'], ['x']).appendProperty([], 'b', { c: 1 }).replaceValue(['a'], ['y', 'z']);
    expect(document.text).toBe('{"a": ["y", "z"], "b": {"c": 1}}');
    expect(document.valueAt(['b'])).toStrictEqual({ c: 1 });
    expect(document.nodeAt(['a', 2])).toBeUndefined();
  });
});

describe('removeAt', () => {
  const block = '{\n  "a": [\n    "x",\n    "y",\n    "z"\n  ],\n  "b": 1\n}\n';

  it('takes a member out with the separator that joined it, first, middle or last', () => {
    expect(removeAt(block, ['a', 0])).toBe('{\n  "a": [\n    "y",\n    "z"\n  ],\n  "b": 1\n}\n');
    expect(removeAt(block, ['a', 1])).toBe('{\n  "a": [\n    "x",\n    "z"\n  ],\n  "b": 1\n}\n');
    expect(removeAt(block, ['b'])).toBe('{\n  "a": [\n    "x",\n    "y",\n    "z"\n  ]\n}\n');
    expect(removeAt('{"a": 1, "b": 2}', ['a'])).toBe('{"b": 2}');
  });

  it('leaves {} or [] when the last member goes, and the text itself when the path does not exist', () => {
    expect(removeAt('{\n  "a": [\n    "x"\n  ]\n}', ['a', 0])).toBe('{\n  "a": []\n}');
    expect(removeAt('{\n  "a": 1\n}\n', ['a'])).toBe('{}\n');
    expect(removeAt(block, ['c'])).toBe(block);
    expect(removeAt(block, ['a', 5])).toBe(block);
  });

  it('undoes an append byte for byte', () => {
    for (const text of [block, '{"a":["x"]}', '{\r\n\t"a": []\r\n}']) {
      const appended = appendItem(text, ['a'], 'new');
      const last = (valueAt(appended, ['a']) as unknown[]).length - 1;
      expect(removeAt(appended, ['a', last])).toBe(text);
    }
    for (const text of ['{}', '{"b": 1}', block])
      expect(removeAt(appendProperty(text, [], 'new', { x: [1] }), ['new'])).toBe(text);
  });
});

/** removeAt as it was before JsonRemovals: one parse and one edit per removal (the reference for the batch). */
function removeOneByOne(text: string, path: JSONPath): string {
  const node = findNodeAtLocation(parseTree(text)!, path);
  if (!node) return text;
  const member = node.parent?.type === 'property' ? node.parent : node;
  const container = member.parent!;
  const siblings = container.children!;
  const index = siblings.indexOf(member);
  const endOf = (at: Node) => at.offset + at.length;
  const [from, to] =
    siblings.length === 1
      ? [container.offset + 1, endOf(container) - 1]
      : index > 0
        ? [endOf(siblings[index - 1]!), endOf(member)]
        : [member.offset, siblings[1]!.offset];
  return text.slice(0, from) + text.slice(to);
}

/** JSON values and the layouts people and tools write them in. */
const layouts = fc.constantFrom(
  (value: unknown) => JSON.stringify(value),
  (value: unknown) => JSON.stringify(value, null, 2),
  (value: unknown) => JSON.stringify(value, null, '\t').replaceAll('\n', '\r\n'),
  (value: unknown) => `  ${JSON.stringify(value, null, 1).replaceAll(',', ' ,  ')}\n`,
);
const json = fc.dictionary(
  fc.constantFrom('a', 'b', 'c', 'd', '__proto__'),
  fc.oneof(
    fc.array(fc.oneof(fc.constantFrom('x', 'y', 1), fc.dictionary(fc.constantFrom('p', 'q'), fc.nat(3))), {
      maxLength: 6,
    }),
    fc.dictionary(fc.constantFrom('e', 'f', 'g'), fc.oneof(fc.nat(3), fc.array(fc.nat(2), { maxLength: 3 }))),
    fc.string({ maxLength: 3 }),
  ),
);

describe('JsonRemovals and removeAll: many removals from one parse', () => {
  /** Every member path in `value`, parents before children. */
  const memberPaths = (value: unknown, path: JSONPath = []): JSONPath[] =>
    Array.isArray(value)
      ? value.flatMap((item, index) => [[...path, index], ...memberPaths(item, [...path, index])])
      : typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([key, inner]) => [[...path, key], ...memberPaths(inner, [...path, key])])
        : [];

  it('gives byte for byte what removeAt one by one gives, whatever the subset and the layout', () => {
    fc.assert(
      fc.property(
        json.chain((value) =>
          fc.tuple(
            fc.constant(value),
            fc.subarray(memberPaths(value)),
            layouts.map((layout) => layout(value)),
          ),
        ),
        ([, paths, text]) => {
          // One by one, last in the file first, so the earlier paths stay valid: as the migration did.
          const tree = parseTree(text)!;
          const lastFirst = [...paths].sort(
            (a, b) => findNodeAtLocation(tree, b)!.offset - findNodeAtLocation(tree, a)!.offset,
          );
          expect(removeAll(text, paths)).toBe(lastFirst.reduce(removeOneByOne, text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sees its own removals: a key taken out is gone, an array emptied is empty, the last equal entry goes first', () => {
    const text = '{\n  "a": ["x", {"p": 1}, "x"],\n  "b": {"c": 1}\n}\n';
    const removals = new JsonRemovals(text);
    const array = removals.at(['a'])!;
    expect(removals.lastEntry(array, 'x')).toBe(array.children![2]);
    removals.remove(removals.lastEntry(array, 'x')!);
    expect(removals.lastEntry(array, 'x')).toBe(array.children![0]);
    removals.remove(removals.lastEntry(array, 'x')!);
    expect(removals.lastEntry(array, 'x')).toBeUndefined();
    expect(removals.isEmpty(array)).toBe(false);
    removals.remove(removals.lastEntry(array, { p: 1 })!);
    expect(removals.isEmpty(array)).toBe(true);
    removals.remove(removals.at(['b', 'c'])!);
    expect(removals.at(['b', 'c'])).toBeUndefined();
    expect(removals.text()).toBe('{\n  "a": [],\n  "b": {}\n}\n');
    removals.remove(removals.at(['b'])!);
    expect(removals.at(['b'])).toBeUndefined();
    expect(removals.text()).toBe('{\n  "a": []\n}\n');
  });
});
