import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeThreeWay } from '../../generators/lib/three-way.js';

const lines = (...items: string[]) => items.map((item) => `${item}\n`).join('');
const labels = { ours: 'yours', base: 'pack 0.1.0', theirs: 'pack 0.2.0' };

describe('mergeThreeWay', () => {
  it('keeps both sides when they change different lines', () => {
    const base = lines('# Title', 'one', 'two', 'three', 'four');
    const ours = lines('# Title', 'one (mine)', 'two', 'three', 'four');
    const theirs = lines('# Title', 'one', 'two', 'three', 'four (new)', 'five');
    expect(mergeThreeWay({ base, ours, theirs, labels })).toEqual({
      clean: true,
      text: lines('# Title', 'one (mine)', 'two', 'three', 'four (new)', 'five'),
    });
  });

  it('writes a conflict in diff3 style, with the base between the two sides', () => {
    const base = lines('a', 'b', 'c');
    const ours = lines('a', 'B mine', 'c');
    const theirs = lines('a', 'B new', 'c');
    expect(mergeThreeWay({ base, ours, theirs, labels })).toEqual({
      clean: false,
      text: lines(
        'a',
        '<<<<<<< yours',
        'B mine',
        '||||||| pack 0.1.0',
        'b',
        '=======',
        'B new',
        '>>>>>>> pack 0.2.0',
        'c',
      ),
    });
  });

  it('takes the same change made on both sides once, without a conflict', () => {
    const result = mergeThreeWay({ base: lines('a', 'b'), ours: lines('a', 'c'), theirs: lines('a', 'c') });
    expect(result).toEqual({ clean: true, text: lines('a', 'c') });
  });

  it("gives the user's file back byte for byte when the pack did not change, line ends and all", () => {
    const ours = 'mine\r\nmixed\nno final newline';
    expect(mergeThreeWay({ base: 'x\n', ours, theirs: 'x\r\n' })).toEqual({ clean: true, text: ours });
  });

  it("merges on content, not line ends, and writes the result in the user's line ends", () => {
    const base = lines('a', 'b', 'c');
    const ours = 'a (mine)\r\nb\r\nc\r\n';
    const theirs = lines('a', 'b', 'c (new)');
    expect(mergeThreeWay({ base, ours, theirs })).toEqual({ clean: true, text: 'a (mine)\r\nb\r\nc (new)\r\n' });
    const conflict = mergeThreeWay({ base, ours: 'x\r\nb\r\nc\r\n', theirs: lines('y', 'b', 'c') });
    expect(conflict.clean).toBe(false);
    expect(conflict.text).toBe('<<<<<<< yours\r\nx\r\n||||||| base\r\na\r\n=======\r\ny\r\n>>>>>>> new\r\nb\r\nc\r\n');
  });

  it('keeps a missing final newline, and ends every conflict side with one so markers start a line', () => {
    expect(mergeThreeWay({ base: 'a\nb', ours: 'a (mine)\nb', theirs: 'a\nb' }).text).toBe('a (mine)\nb');
    expect(mergeThreeWay({ base: 'a\nm\nb', ours: 'a (mine)\nm\nb', theirs: 'a\nm\nb (new)' })).toEqual({
      clean: true,
      text: 'a (mine)\nm\nb (new)',
    });
    // As with git, changes to neighbouring lines collide.
    expect(mergeThreeWay({ base: 'a\nb', ours: 'a (mine)\nb', theirs: 'a\nb (new)' }).clean).toBe(false);
    expect(mergeThreeWay({ base: 'a', ours: 'b', theirs: 'c' }).text).toBe(
      '<<<<<<< yours\nb\n||||||| base\na\n=======\nc\n>>>>>>> new\n',
    );
  });

  it('property: edits that do not touch the same or neighbouring lines are both kept, cleanly', () => {
    // Unique lines, so every line has one place; each side edits its own half; the middle line stays.
    const edit = (prefix: string) =>
      fc.array(fc.tuple(fc.constantFrom('replace', 'delete', 'insert'), fc.nat(), fc.nat()), { maxLength: 4 }).map(
        (edits) => (part: string[]) =>
          edits.reduce((result, [kind, at, id]) => {
            const index = at % (result.length + 1);
            if (kind === 'insert') return result.toSpliced(index, 0, `${prefix} ${id} ${index}`);
            if (index >= result.length) return result;
            return kind === 'delete'
              ? result.toSpliced(index, 1)
              : result.toSpliced(index, 1, `${prefix} ${id} ${index} (changed)`);
          }, part),
      );
    const part = (name: string) =>
      fc.integer({ min: 0, max: 6 }).map((count) => Array.from({ length: count }, (_, i) => `${name} line ${i}`));
    fc.assert(
      fc.property(
        part('top'),
        part('bottom'),
        edit('ours'),
        edit('theirs'),
        fc.constantFrom('\n', '\r\n'),
        (top, bottom, oursEdit, theirsEdit, eol) => {
          const text = (items: string[]) => items.map((item) => `${item}\n`).join('');
          const middle = ['the middle line stays'];
          const base = text([...top, ...middle, ...bottom]);
          const ours = text([...oursEdit(top), ...middle, ...bottom]).replaceAll('\n', eol);
          const theirs = text([...top, ...middle, ...theirsEdit(bottom)]);
          expect(mergeThreeWay({ base, ours, theirs })).toEqual({
            clean: true,
            text: text([...oursEdit(top), ...middle, ...theirsEdit(bottom)]).replaceAll('\n', eol),
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
