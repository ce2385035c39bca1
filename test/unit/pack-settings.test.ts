import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { DEFAULT_ANSWERS } from '../../generators/lib/catalogue.js';
import { commandRules, packSettings } from '../../generators/lib/pack-settings.js';

const templateText = readFileSync(join(packRoot, '.claude/settings.json'), 'utf8');
const template = () => JSON.parse(templateText);
const allowOf = (testCommand: string, buildCommand: string): string[] =>
  packSettings(template(), { testCommand, buildCommand }).permissions!.allow!;

describe('packSettings', () => {
  it('default answers give exactly the template, key order and all', () => {
    const result = packSettings(template(), DEFAULT_ANSWERS);
    expect(`${JSON.stringify(result, null, 2)}\n`).toBe(templateText);
  });

  it('does not mutate the template it is given', () => {
    const input = template();
    packSettings(input, { testCommand: 'pytest', buildCommand: '' });
    expect(input).toStrictEqual(template());
  });

  it('custom commands replace the npm rules in place', () => {
    const allow = allowOf('pnpm test', 'cargo build');
    const expected = template().permissions.allow.map((rule: string) =>
      rule.replace('npm test', 'pnpm test').replace('npm run build', 'cargo build'),
    );
    expect(allow).toStrictEqual(expected);
    expect(allow.indexOf('Bash(pnpm test *)')).toBe(template().permissions.allow.indexOf('Bash(npm test *)'));
  });

  it('an empty command removes its rule and nothing else', () => {
    const allow = allowOf('', 'npm run build');
    expect(allow).toStrictEqual(
      template().permissions.allow.filter((rule: string) => !rule.startsWith('Bash(npm test')),
    );
    expect(allowOf('', '').some((rule) => rule.includes('npm'))).toBe(false);
  });

  it('the same command for test and build gives its rule once', () => {
    const allow = allowOf('make', 'make');
    expect(allow.filter((rule) => rule === 'Bash(make *)')).toHaveLength(1);
    expect(new Set(allow).size).toBe(allow.length);
  });

  it('keeps the deny rules and $schema', () => {
    const result = packSettings(template(), { testCommand: 'pytest', buildCommand: '' });
    expect(result.$schema).toBe(template().$schema);
    expect((result.permissions as any).deny).toStrictEqual(template().permissions.deny);
  });
});

describe('the settings template', () => {
  it('grants no edits or git commands to the whole project, and no legacy `:*` rules', () => {
    const allow: string[] = template().permissions.allow;
    expect(allow).toStrictEqual(['Bash(npm test *)', 'Bash(npm run build *)']);
  });

  it('denies secrets in every folder and the credential files in the home folder', () => {
    expect(template().permissions.deny).toEqual(
      expect.arrayContaining([
        'Read(./**/.env)',
        'Read(./**/.env.*)',
        'Read(./**/.envrc)',
        'Read(./**/*.pem)',
        'Read(./**/*.key)',
        'Read(./**/*.p12)',
        'Read(./**/*.pfx)',
        'Read(./**/.npmrc)',
        'Read(./**/.netrc)',
        'Read(~/.aws/credentials)',
        'Read(~/.netrc)',
        'Read(~/.npmrc)',
      ]),
    );
  });

  it("makes agents' worktrees start from the local HEAD, not from origin", () => {
    expect(template().worktree).toStrictEqual({ baseRef: 'head' });
    expect(packSettings(template(), { testCommand: 'pytest', buildCommand: '' }).worktree).toStrictEqual({
      baseRef: 'head',
    });
  });
});

describe('commandRules', () => {
  it('one rule in the current `Bash(cmd *)` form (bare or with arguments); nothing for empty', () => {
    expect(commandRules('go test ./...')).toStrictEqual(['Bash(go test ./... *)']);
    expect(commandRules('')).toStrictEqual([]);
  });
});
