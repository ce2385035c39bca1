import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { satisfiesRange } from '../../generators/lib/engines.js';
import { packageRoot } from '../../generators/lib/paths.js';

describe('satisfiesRange', () => {
  const range = '^22.18.0 || >=24.11.0';
  it.each([
    ['22.18.0', true],
    ['v22.23.5', true],
    ['22.17.9', false],
    ['20.20.2', false],
    ['23.0.0', false],
    ['24.10.0', false],
    ['24.11.0', true],
    ['25.1.0', true],
  ])('%s → %s', (version, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });

  it('reads exact versions too', () => {
    expect(satisfiesRange('1.2.3', '1.2.3')).toBe(true);
    expect(satisfiesRange('1.2.4', '1.2.3')).toBe(false);
  });

  it("holds package.json's own range (the one the launcher checks) for the Node running the tests", () => {
    const { engines } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
    expect(satisfiesRange(process.versions.node, engines.node)).toBe(true);
  });
});
