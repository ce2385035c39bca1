import { describe, expect, it } from 'vitest';
import {
  answerLines,
  checkSavedSources,
  type Guess,
  guessOf010,
  resolveAnswers,
} from '../../generators/lib/answer-sources.js';
import { ANSWER_SPECS, COMMAND_SPECS, checkAnswers, promptProblem } from '../../generators/lib/answers.js';
import { type Answers, DEFAULT_ANSWERS } from '../../generators/lib/catalogue.js';
import { AiPackError } from '../../generators/lib/errors.js';
import { entryNames } from '../../generators/lib/plan.js';

const NAMES = Object.keys(DEFAULT_ANSWERS) as (keyof Answers)[];

/** This version's guesses: the defaults, and for the commands what "detection" found. */
function guesses(detected: Partial<Record<keyof Answers, string>> = {}): Record<keyof Answers, Guess> {
  return Object.fromEntries(
    ANSWER_SPECS.map((spec) => [
      spec.name,
      spec.guess === 'detected'
        ? { value: detected[spec.name] ?? '', source: 'detected', reason: detected[spec.name] && 'from a build file' }
        : { value: DEFAULT_ANSWERS[spec.name], source: 'default' },
    ]),
  ) as Record<keyof Answers, Guess>;
}

describe('the answers table', () => {
  it('declares every answer once, and the command answers are derived from it', () => {
    expect(ANSWER_SPECS.map((spec) => spec.name).sort()).toStrictEqual([...NAMES].sort());
    expect(new Set(ANSWER_SPECS.map((spec) => spec.option)).size).toBe(ANSWER_SPECS.length);
    expect(COMMAND_SPECS.map((spec) => spec.name)).toStrictEqual(['testCommand', 'buildCommand']);
  });

  it.each(ANSWER_SPECS.filter((spec) => spec.kind !== 'boolean').map((spec) => [spec.option, spec] as const))(
    '--%s with a value that looks like an option is an error naming the option',
    (option, spec) => {
      const run = () => checkAnswers({ [spec.name]: '--dry-run' }, () => `--${option}`);
      expect(run).toThrow(AiPackError);
      expect(run).toThrow(
        new RegExp(`^--${option}: "--dry-run" is an option, not a value: --${option} needs its value`),
      );
    },
  );

  it('refuses the placeholder owner of the README in any form of marketplace source', () => {
    for (const source of [
      'OWNER/generator-ai-pack',
      'OWNER/my-fork',
      'https://github.com/OWNER/generator-ai-pack.git',
      'git@github.com:OWNER/generator-ai-pack.git',
    ]) {
      expect(() => checkAnswers({ pluginSettings: source }, () => '--plugin-settings'), source).toThrow(
        /placeholder OWNER/,
      );
    }
    expect(checkAnswers({ pluginSettings: ' acme/generator-ai-pack ' }, () => '--plugin-settings')).toStrictEqual({
      pluginSettings: 'acme/generator-ai-pack',
    });
    expect(checkAnswers({ pluginSettings: '' }, () => '--plugin-settings')).toStrictEqual({ pluginSettings: '' });
    expect(() => checkAnswers({ pluginSettings: 'not a source' }, () => '--plugin-settings')).toThrow(
      /^--plugin-settings: "not a source" is not a marketplace source/,
    );
  });

  it('a bad command typed at the prompt gets the reason, to be asked again; a good one passes', () => {
    const [test] = COMMAND_SPECS;
    expect(promptProblem(test, './gradlew test && echo hi')).toMatch(/shell control operator.*leave it empty for none/);
    expect(promptProblem(test, '-x')).toMatch(/starts with "-"/);
    expect(promptProblem(test, './gradlew test')).toBeUndefined();
    expect(promptProblem(test, '')).toBeUndefined();
  });
});

describe('where each answer comes from', () => {
  const saved = { ...DEFAULT_ANSWERS, testCommand: 'npm test', buildCommand: '' };

  it('an option wins; a saved choice is kept; a saved guess is guessed again', () => {
    const { answers, how } = resolveAnswers({
      given: { buildCommand: 'make' },
      saved: { ...saved, testCommand: 'npm test', claudeMd: true },
      savedSources: { testCommand: 'typed', buildCommand: 'detected', claudeMd: 'default', skills: 'option' },
      guesses: guesses({ testCommand: 'bun run test', buildCommand: 'bun run build' }),
      oldGuesses: {},
    });
    expect(answers.buildCommand).toBe('make');
    expect(how.buildCommand).toMatchObject({ source: 'option', saved: false });
    expect(answers.testCommand).toBe('npm test');
    expect(how.testCommand).toMatchObject({ source: 'typed', saved: true });
    // Saved as the default: this version's default now.
    expect(answers.claudeMd).toBe(false);
    expect(how.claudeMd.source).toBe('default');
    expect(how.skills).toMatchObject({ source: 'option', saved: true });
  });

  it('a record without sources: none, an old guess or this guess count as guesses, anything else as chosen', () => {
    const resolve = (savedAnswers: Partial<Answers>) =>
      resolveAnswers({
        given: {},
        saved: savedAnswers,
        savedSources: undefined,
        guesses: guesses({ testCommand: 'composer test', buildCommand: 'npm run build' }),
        oldGuesses: { testCommand: ['', 'npm test'], buildCommand: ['', 'npm run build'] },
      });
    const laravel = resolve({ ...saved, testCommand: '', buildCommand: 'npm run build' });
    expect(laravel.answers.testCommand).toBe('composer test');
    expect(laravel.how.testCommand.source).toBe('detected');
    const guessedBefore = resolve({ ...saved, testCommand: 'npm test' });
    expect(guessedBefore.answers.testCommand).toBe('composer test');
    const chosen = resolve({ ...saved, testCommand: 'make check', skills: ['tester'] });
    expect(chosen.answers.testCommand).toBe('make check');
    expect(chosen.how.testCommand).toMatchObject({ source: 'chosen', saved: true });
    expect(chosen.answers.skills).toStrictEqual(['tester']);
  });

  it('the summary says which answer changed, why, and how to bring the old value back', () => {
    const resolution = resolveAnswers({
      given: {},
      saved: { ...saved, testCommand: '' },
      savedSources: undefined,
      guesses: guesses({ testCommand: 'composer test' }),
      oldGuesses: { testCommand: [''] },
    });
    const lines = answerLines({
      resolution,
      saved: { ...saved, testCommand: '' },
      personal: false,
      approves: true,
      recordPath: '.yo-rc.json',
    }).map(({ kind, text }) => `${kind} ${text}`);
    expect(lines).toStrictEqual([
      'changed test command: now "composer test" (detected again: from a build file), was none; it was a guess, not your choice (--test-command "" brings it back)',
      'approved test command "composer test" (detected: from a build file): background agents may run it without asking',
      'no rule for a build command (nothing detected); add one with --build-command "<command>" so background agents may run it',
    ]);
  });

  it('sources in a record are checked: a forged one is a clear error', () => {
    expect(checkSavedSources(undefined, '.yo-rc.json')).toBeUndefined();
    expect(checkSavedSources({ testCommand: 'typed' }, '.yo-rc.json')).toStrictEqual({ testCommand: 'typed' });
    expect(() => checkSavedSources({ testCommand: 'trusted' }, '.yo-rc.json')).toThrow(
      /\.yo-rc\.json: the "generator-ai-pack" entry has "sources" that is not a map/,
    );
    expect(() => checkSavedSources(['typed'], '.yo-rc.json')).toThrow(AiPackError);
  });

  it("0.1.0's guesses: its detection over its npm defaults", () => {
    const from = (files: Record<string, string>) => guessOf010((path) => files[path]);
    expect(from({})).toStrictEqual({ testCommand: 'npm test', buildCommand: 'npm run build' });
    expect(from({ 'package.json': '{"scripts":{"build":"vite build"}}', 'composer.json': '{}' })).toStrictEqual({
      testCommand: '',
      buildCommand: 'npm run build',
    });
    expect(from({ 'package.json': '{"scripts":{"test":"x"}}', 'pnpm-lock.yaml': '' })).toStrictEqual({
      testCommand: 'pnpm test',
      buildCommand: '',
    });
    expect(from({ 'pyproject.toml': '', 'uv.lock': '' })).toStrictEqual({ testCommand: 'pytest', buildCommand: '' });
    expect(from({ Makefile: 'all:\n' })).toStrictEqual({ testCommand: 'make test', buildCommand: 'make' });
  });
});

describe('settings entries in plain words', () => {
  it('names each rule, also inside a block the pack added whole, and other keys by their names', () => {
    expect(
      entryNames([
        { path: '/$schema', value: 'https://json.schemastore.org/claude-code-settings.json' },
        { path: '/permissions', value: { allow: ['Bash(pytest *)'], deny: ['Read(./**/.env)'] } },
        { path: '/permissions/allow', items: ['Bash(make *)'] },
        { path: '/enabledPlugins/ai-pack@generator-ai-pack', value: true },
        { path: '/extraKnownMarketplaces/a~1b', value: { source: { source: 'github', repo: 'acme/x' } } },
      ]),
    ).toStrictEqual([
      '$schema',
      'Bash(pytest *)',
      'Read(./**/.env)',
      'Bash(make *)',
      'enabledPlugins "ai-pack@generator-ai-pack"',
      'extraKnownMarketplaces "a/b"',
    ]);
  });
});
