import { describe, expect, it } from 'vitest';
import { AiPackError } from '../../generators/lib/errors.js';
import { packVersionOf, parseFrontmatter, setFrontmatterList } from '../../generators/lib/frontmatter.js';

const file = (...frontmatter: string[]) => ['---', ...frontmatter, '---', '# Body', ''].join('\n');

describe('parseFrontmatter', () => {
  it('reads scalars, quoted strings, a nested map and a block list, and returns the body', () => {
    const text = file(
      'name: engineer',
      'description: Implements a change. Use when writing code.',
      '# a comment',
      'metadata:',
      '  pack: "generator-ai-pack"',
      "  version: '0.1.0'",
      'skills:',
      '  - engineer',
      '  - "tester"',
      'empty:',
    );
    expect(parseFrontmatter(text)).toEqual({
      data: {
        name: 'engineer',
        description: 'Implements a change. Use when writing code.',
        metadata: { pack: 'generator-ai-pack', version: '0.1.0' },
        skills: ['engineer', 'tester'],
        empty: '',
      },
      body: '# Body\n',
    });
  });

  it('unescapes quoted strings and drops trailing comments on plain scalars', () => {
    const { data } = parseFrontmatter(file('a: "say \\"hi\\" #1"', "b: 'it''s'", 'c: plain # note'));
    expect(data).toEqual({ a: 'say "hi" #1', b: "it's", c: 'plain' });
  });

  it('reads escapes and keys as YAML does (the client reads them so), not as JSON or an object would', () => {
    const { data } = parseFrontmatter(
      file('a: "\\x41\\u00e9\\t"', 'constructor: x', '__proto__: y', 'metadata:', '  toString: z'),
    );
    expect(data).toEqual({ a: 'A\u00e9\t', constructor: 'x', ['__proto__']: 'y', metadata: { toString: 'z' } });
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('keeps every value a string, as written (no numbers, booleans or nulls)', () => {
    expect(parseFrontmatter(file('a: 1.0', 'b: true', 'c: null', 'd: ~', 'e: 0x10')).data).toEqual({
      a: '1.0',
      b: 'true',
      c: 'null',
      d: '~',
      e: '0x10',
    });
  });

  it('accepts CRLF line endings', () => {
    expect(parseFrontmatter('---\r\nname: x\r\n---\r\nbody').data).toEqual({ name: 'x' });
  });

  it.each([
    ['no opening line', 'name: x\n---\n', 'SKILL.md:1:'],
    ['no closing line', '---\nname: x\n', 'SKILL.md:1:'],
    ['flow-style list', file('name: x', 'tags: [a, b]'), 'SKILL.md:3: unsupported YAML'],
    ['block scalar', file('description: >', '  text'), 'SKILL.md:2: unsupported YAML'],
    ['unquoted ": "', file('description: Use: when needed'), 'SKILL.md:2: quote a value'],
    ['duplicate key', file('name: x', 'name: y'), 'SKILL.md:3: duplicate key "name"'],
    ['deeper nesting', file('metadata:', '  a: b', '    c: d'), 'SKILL.md:4: inconsistent indentation'],
    ['list inside map', file('metadata:', '  a: b', '  - c'), 'SKILL.md:4: a list item inside a map'],
    ['not a key', file('just text'), 'SKILL.md:2: expected "key: value"'],
    ['unterminated quote', file('name: "x'), 'SKILL.md:2: unterminated'],
    ['flow-style map', file('metadata: {pack: x}'), 'SKILL.md:2: unsupported YAML'],
    ['flow-style list in a list', file('skills:', '  - [a]'), 'SKILL.md:3: unsupported YAML'],
    ['literal block scalar', file('name: x', 'description: |', '  text'), 'SKILL.md:3: unsupported YAML'],
    ['anchor', file('name: &n x'), 'SKILL.md:2: unsupported YAML'],
    ['alias', file('name: x', 'description: *n'), 'SKILL.md:3: unsupported YAML'],
    ['an indented first key', file('  name: x'), 'SKILL.md:2: unexpected indentation'],
    ['tag', file('name: !!str x'), 'SKILL.md:2: unsupported YAML'],
    ['a value over two lines', file('description: one', '  two'), 'SKILL.md:3: unexpected indentation'],
    ['a tab in the indentation', file('metadata:', '\tpack: x'), 'SKILL.md:3: tabs are not allowed'],
    ['a quoted key', file('"name": x'), 'SKILL.md:2: expected "key: value"'],
    ['a list at the top', file('- x'), 'SKILL.md:2: expected "key: value"'],
    ['a map inside a list', file('skills:', '  - a: b'), 'SKILL.md:3: nested too deep'],
    ['a list inside a nested map', file('metadata:', '  a:', '  - b'), 'SKILL.md:4: nested too deep'],
    ['duplicate nested key', file('metadata:', '  a: b', '  a: c'), 'SKILL.md:4: duplicate key "metadata.a"'],
    ['reserved character', file('name: @x'), 'SKILL.md:2: not valid YAML'],
  ])('rejects %s with an AiPackError naming file:line', (_case, text, message) => {
    expect(() => parseFrontmatter(text, 'SKILL.md')).toThrow(AiPackError);
    expect(() => parseFrontmatter(text, 'SKILL.md')).toThrow(message);
  });
});

describe('packVersionOf', () => {
  it('reads the version stamp of a pack skill', () => {
    const text =
      '---\nname: tester\ndescription: Tests.\nmetadata:\n  pack: "generator-ai-pack"\n  version: "1.2.3"\n---\nBody\n';
    expect(packVersionOf(text, 'SKILL.md')).toBe('1.2.3');
  });

  it('is undefined for a skill without the stamp or stamped by another pack', () => {
    expect(packVersionOf('---\nname: tester\ndescription: Mine.\n---\n', 'SKILL.md')).toBeUndefined();
    const other = '---\nname: tester\ndescription: X.\nmetadata:\n  pack: "other"\n  version: "1.0.0"\n---\n';
    expect(packVersionOf(other, 'SKILL.md')).toBeUndefined();
  });
});

describe('setFrontmatterList', () => {
  it('sets each entry of the list through yaml, plain where YAML allows, and keeps the rest of the file', () => {
    const text =
      '---\nname: x\ndescription: "quoted: value"\nskills:\n  - "a"\n  - b\nmodel: inherit\n---\n\nBody: stays.\n';
    expect(setFrontmatterList(text, 'x.md', 'skills', ['p:a', 'p: b'])).toBe(
      '---\nname: x\ndescription: "quoted: value"\nskills:\n  - p:a\n  - "p: b"\nmodel: inherit\n---\n\nBody: stays.\n',
    );
  });

  it("refuses a frontmatter outside the pack's subset, naming the file and line", () => {
    expect(() => setFrontmatterList('---\nskills: [a]\n---\n', 'x.md', 'skills', ['p:a'])).toThrow(
      /^x\.md:2: unsupported YAML/,
    );
  });
});
