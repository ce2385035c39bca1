import { checkCommand } from './catalogue.js';

/**
 * Whether a command line the project wrote down (in AGENTS.md, a CI step) runs its tests or its build, and
 * the plain command to approve for it. The approved command becomes the rule `Bash(<command> *)`, a prefix:
 * it is cut right after the word that makes it a test or build command, so `uv run tox -e py3.14-common`
 * approves `uv run tox` (any environment) and `cargo test --workspace` approves `cargo test`.
 *
 * Only known runners qualify: the words before that word must be a program this table knows (`cargo`, `uv`,
 * `./mvnw`, ...) and its runner words (`run`, `exec`, `-m`), so `pip install pytest`, `uv sync --extra test`,
 * `docker build .` and `rm -rf build` never become an approved command, and nothing a shell would expand
 * (`$VAR`, `${{ matrix.x }}`, quotes, globs) or chain (`&&`, `|`) survives: each kept word is a plain word.
 * Linear in the line's length, which is capped.
 */

export const COMMAND_KINDS = ['test', 'build'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** A command the project names or runs, at a line of one of its files. */
export interface StatedCommand {
  kind: CommandKind;
  command: string;
  line: number;
}

/** Longer lines are no command anyone types: skipped unread, which bounds the work per line. */
const MAX_LINE = 400;

/** Programs that run a project's tests or build, or run the program that does (by base name: `./mvnw`, `bin/rails`). */
const PROGRAMS = new Set([
  'uv',
  'uvx',
  'poetry',
  'pdm',
  'hatch',
  'pipenv',
  'rye',
  'python',
  'python3',
  'bundle',
  'rake',
  'rails',
  'npx',
  'pnpm',
  'pnpx',
  'yarn',
  'npm',
  'bun',
  'bunx',
  'deno',
  'go',
  'cargo',
  'make',
  'gmake',
  'just',
  'mix',
  'swift',
  'dotnet',
  'mvn',
  'mvnw',
  'gradle',
  'gradlew',
  'sbt',
  'php',
  'artisan',
  'composer',
  'cmake',
  'bazel',
  'bazelisk',
  'zig',
  'flutter',
  'dart',
  'stack',
  'cabal',
  'node',
  'bash',
  'sh',
]);

/** Words between a program and what it runs: `uv run`, `bundle exec`, `python -m`, `pnpm -w`, `./mvnw -B`. */
const RUNNER_WORDS = new Set(['run', 'exec', '-m', '-w', '-B', '--batch-mode', '--frozen', '--locked', '--no-daemon']);

/** Test runners that are a command of their own, on the PATH of a project that uses them. */
const TEST_PROGRAMS = new Set(['pytest', 'py.test', 'tox', 'nox', 'ctest']);
/**
 * Test runners a project installs as a library: a command only through a runner (`npx jest`, `bundle exec
 * rspec`, `python -m unittest`, `cargo nextest`) or by path (`vendor/bin/phpunit`). Bare, the word is more
 * likely a mention ("`mocha` for mocking") than a command, and would not run in a fresh clone anyway.
 */
const TEST_LIBRARIES = new Set(['unittest', 'rspec', 'phpunit', 'pest', 'jest', 'vitest', 'mocha', 'ava', 'nextest']);

/** A test verb or script name: `test`, `tests`, `test:unit`, `test-all`. */
const TEST_VERB = /^tests?([:_-][A-Za-z0-9:._-]*)?$/;
/** A build verb or script name: `build`, `build:prod`, `compile`, `assemble`, CMake's `--build`. */
const BUILD_VERB = /^(build([:_-][A-Za-z0-9:._-]*)?|compile|assemble|--build)$/;
/** A script of the repository's own named for what it does: `./test.sh`, `script/test`, `scripts/run-tests`, `ci/build.sh`. */
const TEST_SCRIPT = /^[A-Za-z0-9_-]*tests?(\.[A-Za-z]+)?$/;
const BUILD_SCRIPT = /^[A-Za-z0-9_-]*build(\.[A-Za-z]+)?$/;
/** Programs whose bare run (options only) is the build: `make`, `make -j4`. */
const BARE_BUILDERS = new Set(['make', 'gmake', 'ninja']);

/** A word a rule may hold: no shell expansion, quoting, globbing or chaining character. */
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+,=-]+$/;

/**
 * The command to approve when `line` runs the project's tests (`kind` 'test') or build; else undefined.
 * `bareBuilder`: a bare `make` (options only) counts as the build, which only the words around it can say (CI
 * runs a bare `make` to install dependencies as often as to build).
 */
export function approvableCommand(line: string, kind: CommandKind, { bareBuilder = false } = {}): string | undefined {
  if (line.length > MAX_LINE) return undefined;
  const words = line.trim().split(/[ \t]+/);
  const end = kind === 'test' ? testWordAt(words) : buildWordAt(words, bareBuilder);
  if (end === undefined) return undefined;
  const kept = words.slice(0, end + 1);
  if (!kept.every((word) => PLAIN_WORD.test(word))) return undefined;
  const command = kept.join(' ');
  try {
    return checkCommand(command, 'detection') === command ? command : undefined;
  } catch {
    return undefined;
  }
}

/** A CI step or job named for the kind: "Run tests", "pytest", "unit-tests", "Build", "compile". */
const NAMED_FOR: Record<CommandKind, RegExp> = { test: /test|spec/i, build: /build|compil|assembl/i };

/**
 * The test and build commands among command lines (a CI step's), each at its line. A line whose step or
 * job has a name counts only for what the name says it does: `tox -e release-notes` in a step named
 * "Generate release notes" runs no tests, `cmake -B build` in one named "Configure" builds nothing.
 */
export function classify(lines: readonly { text: string; line: number; context?: string }[]): StatedCommand[] {
  const stated: StatedCommand[] = [];
  // A step's lines share its name: read what the name says once per step, not once per line.
  let named: { context?: string; kinds: readonly CommandKind[] } = { kinds: COMMAND_KINDS };
  for (const { text, line, context } of lines) {
    if (context !== named.context)
      named = {
        context,
        kinds: COMMAND_KINDS.filter((kind) => context === undefined || NAMED_FOR[kind].test(context)),
      };
    for (const kind of named.kinds) {
      const command = approvableCommand(text, kind);
      if (command) stated.push({ kind, command, line });
    }
  }
  return stated;
}

/** The program a command runs, by base name: `./mvnw` → `mvnw`. */
export function programOf(command: string): string {
  return baseName(command.split(' ', 1)[0]);
}

function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Index of the word that makes the line a test run, when what comes before it is a known runner chain. */
function testWordAt(words: readonly string[]): number | undefined {
  return kindWordAt(words, (word, index) => {
    const name = baseName(word);
    return (
      TEST_PROGRAMS.has(name) ||
      (TEST_LIBRARIES.has(name) && (index > 0 || word.includes('/'))) ||
      (index > 0 && TEST_VERB.test(word)) ||
      (isScript(word, index) && TEST_SCRIPT.test(name))
    );
  });
}

function buildWordAt(words: readonly string[], bareBuilder: boolean): number | undefined {
  if (bareBuilder && BARE_BUILDERS.has(baseName(words[0])) && words.slice(1).every((word) => word.startsWith('-')))
    return 0;
  return kindWordAt(
    words,
    (word, index) =>
      (index > 0 && BUILD_VERB.test(word)) || (isScript(word, index) && BUILD_SCRIPT.test(baseName(word))),
  );
}

/** A file of the repository's: a path (`./test.sh`, `script/test`), or a script a runner runs (`bash test.sh`). */
function isScript(word: string, index: number): boolean {
  return word.includes('/') || (index > 0 && SCRIPT_FILE.test(word));
}

const SCRIPT_FILE = /\.(sh|bash|py|js|mjs|ts|rb|ps1)$/;

/**
 * The first word that `isKindWord`, provided every word before it is a known program or runner word and the
 * first is a program (or the word itself is the program: `pytest`, `./test.sh`).
 */
function kindWordAt(
  words: readonly string[],
  isKindWord: (word: string, index: number) => boolean,
): number | undefined {
  for (const [index, word] of words.entries()) {
    if (isKindWord(word, index)) return index;
    if (!PROGRAMS.has(baseName(word)) && !(index > 0 && RUNNER_WORDS.has(word))) return undefined;
  }
  return undefined;
}
