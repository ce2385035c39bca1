import { describe, expect, it } from 'vitest';
import { appendItem, appendProperty, removeAt, valueAt } from '../../generators/lib/json-edit.js';

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
