import { diff3Merge } from 'node-diff3';
import { detectEol, sameContent, toLf, withEol } from './eol.js';

/**
 * A three-way merge of one text file, as `git merge-file --diff3` does it: the user's file (`ours`) and
 * the new pack version (`theirs`) are both compared with the pack version the user started from (`base`);
 * a change on one side only is taken, the same change on both sides is taken once, and changes to the same
 * lines are a conflict, written in diff3 style so the user sees what the pack had before as well:
 *
 *     <<<<<<< yours
 *     the user's lines
 *     ||||||| pack 0.1.0
 *     the base lines
 *     =======
 *     the new pack lines
 *     >>>>>>> pack 0.2.0
 *
 * Line ends don't count as changes: the merge works on LF text and the result has the line ends of `ours`.
 */

export interface MergeInput {
  base: string;
  ours: string;
  theirs: string;
  /** Names after the conflict markers; defaults: "yours", "base", "new". */
  labels?: { ours?: string; base?: string; theirs?: string };
}

export interface MergeResult {
  /** True when no change collided: `text` can be written as it is. */
  clean: boolean;
  text: string;
}

export function mergeThreeWay({ base, ours, theirs, labels = {} }: MergeInput): MergeResult {
  // The pack did not change: the user's file stays, byte for byte (even with mixed line ends).
  if (sameContent(theirs, base)) return { clean: true, text: ours };
  const regions = diff3Merge(linesOf(ours), linesOf(base), linesOf(theirs), { excludeFalseConflicts: true });
  const marker = (sign: string, label: string) => `${sign.repeat(7)} ${label}\n`;
  let clean = true;
  const merged = regions.flatMap((region) => {
    if (region.ok) return region.ok;
    clean = false;
    const { a, o, b } = region.conflict!;
    return [
      marker('<', labels.ours ?? 'yours'),
      ...terminated(a),
      marker('|', labels.base ?? 'base'),
      ...terminated(o),
      '=======\n',
      ...terminated(b),
      marker('>', labels.theirs ?? 'new'),
    ];
  });
  return { clean, text: withEol(merged.join(''), detectEol(ours)) };
}

/** LF lines, each with its line end (the last one may have none), so a missing final newline is kept. */
function linesOf(text: string): string[] {
  return toLf(text).match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Lines of one side of a conflict, the last one ended too, so the next marker starts a line. */
function terminated(lines: string[]): string[] {
  const last = lines.at(-1);
  return last === undefined || last.endsWith('\n') ? lines : [...lines.slice(0, -1), `${last}\n`];
}
