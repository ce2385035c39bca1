import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageVersion, packRoot } from '../../generators/io/paths.js';
import { ROLES } from '../../generators/lib/catalogue.js';
import { packVersionOf } from '../../generators/lib/frontmatter.js';

describe('version stamps', () => {
  it.each(ROLES)("the %s skill is stamped with package.json's version (npm version writes both)", (role) => {
    const path = `.claude/skills/${role}/SKILL.md`;
    expect(packVersionOf(readFileSync(join(packRoot, path), 'utf8'), path)).toBe(packageVersion);
  });
});
