import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../generators/io/paths.js';
import { satisfiesRange } from '../../generators/lib/engines.js';

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

  it('counts a pre-release Node (a nightly) by its numbers', () => {
    expect(satisfiesRange('25.0.0-nightly20261201abcdef', range)).toBe(true);
    expect(satisfiesRange('23.0.0-nightly20261201abcdef', range)).toBe(false);
  });

  it('reads every range form npm does, not only the ones package.json uses today', () => {
    expect(satisfiesRange('22.18.5', '22.18.x || >=24')).toBe(true);
    expect(satisfiesRange('24.0.0', '>=22.18 <24 || >=24.11')).toBe(false);
    expect(satisfiesRange('24.11.1', '~24.11.0')).toBe(true);
  });

  it("holds package.json's own range (the one the launcher checks) for the Node running the tests", () => {
    const { engines } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
    expect(satisfiesRange(process.versions.node, engines.node)).toBe(true);
  });
});
