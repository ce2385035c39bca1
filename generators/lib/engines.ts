/**
 * Whether a Node version satisfies a package.json `engines` range of the forms this package uses:
 * alternatives joined by `||`, each `^X.Y.Z`, `>=X.Y.Z` or an exact `X.Y.Z`. The launcher checks the
 * running Node against package.json's own `engines.node`, so the range is written in one place.
 */
export function satisfiesRange(version: string, range: string): boolean {
  const running = numbers(version);
  return range.split('||').some((alternative) => {
    const clause = alternative.trim();
    const wanted = numbers(clause.replace(/^(\^|>=)/, ''));
    if (clause.startsWith('>=')) return compare(running, wanted) >= 0;
    if (clause.startsWith('^')) return running[0] === wanted[0] && compare(running, wanted) >= 0;
    return compare(running, wanted) === 0;
  });
}

function numbers(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .slice(0, 3)
    .map((part) => Number.parseInt(part, 10) || 0);
}

function compare(a: number[], b: number[]): number {
  for (let index = 0; index < 3; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
