import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { programOf } from './command-shape.js';
import type { Project } from './project-files.js';
import { isJsonObject } from './strict-json.js';

/**
 * What a folder's build files say its test and build commands are. Each source below finds what it can;
 * detect.ts takes each command from the first that has one, in this order:
 *
 * | #  | source (in the folder)                             | test                                      | build                  |
 * |----|----------------------------------------------------|-------------------------------------------|------------------------|
 * | 1  | justfile with a `test:` / `build:` recipe          | `just test`                               | `just build`           |
 * | 2  | Makefile with a `test:` / `build:` target          | `make test`                               | `make build`           |
 * | 3  | package.json script `test` / `build`               | `pnpm test` (npm, yarn, bun alike)        | `pnpm run build`       |
 * |    |   none in a workspace package, but at its root     | `pnpm -w test`, `npm test --prefix ../..` | likewise               |
 * | 4  | pom.xml                                            | `./mvnw test` (`mvn` without a wrapper)   | `./mvnw compile`       |
 * | 5  | build.gradle(.kts) / settings.gradle(.kts)         | `./gradlew test` (`gradle` without one)   | `./gradlew assemble`   |
 * | 6  | Python: uv.lock, poetry.lock, pdm.lock, Hatch      | `uv run pytest`, `poetry run pytest`,     | —                      |
 * |    |   envs, tox, nox, else pyproject/setup.py/...      | `pdm run pytest`, `hatch test`, `tox`,    |                        |
 * |    |                                                    | `nox`, `pytest`                           |                        |
 * | 7  | Cargo.toml                                         | `cargo test`                              | `cargo build`          |
 * | 8  | go.mod                                             | `go test ./...`                           | `go build ./...`       |
 * | 9  | *.sln, *.slnx, *.csproj, *.fsproj, *.vbproj        | `dotnet test` (`dotnet test X.sln` when   | `dotnet build`         |
 * |    |                                                    | the folder holds several)                 |                        |
 * | 10 | Package.swift                                      | `swift test`                              | `swift build`          |
 * | 11 | mix.exs                                            | `mix test`                                | `mix compile`          |
 * | 12 | Gemfile / Rakefile: .rspec or spec/, bin/rails,    | `bundle exec rspec`, `bin/rails test`,    | —                      |
 * |    |   Rakefile                                         | `bundle exec rake test`                   |                        |
 * | 13 | composer.json: script `test`, artisan, pest/phpunit| `composer test`, `php artisan test`,      | —                      |
 * |    |                                                    | `vendor/bin/pest`, `vendor/bin/phpunit`   |                        |
 * | 14 | CMakeLists.txt (test only with enable_testing)     | `ctest --test-dir build`                  | `cmake --build build`  |
 * |    |                                                    |                                           | (made `cmake`: detect.ts) |
 *
 * Why this order: a justfile or Makefile target named `test` is the repository saying how it wants its tests
 * run (environment, flags), so it comes first. package.json comes before the other ecosystems because a
 * repository that has one with a `test` script runs it in CI; its absence falls through (a Laravel or Rails
 * app's package.json usually has only `build`). The rest rarely meet in one folder; when Maven and Gradle do
 * (spring-petclinic), its README names Maven first. Within Python a lockfile names the environment manager
 * the project really uses, so `uv run pytest` beats tox's whole-matrix run.
 *
 * Only the folder's own build files count (the pack goes where the project is); the search goes up, never
 * past the repository root, only for what a package folder inherits: the workspace's package manager and
 * root scripts, a Maven or Gradle wrapper, a uv workspace's uv.lock. Commands are built from fixed words,
 * `..` paths and, for .NET, a file name checked to be one word. A file that cannot be read or parsed falls
 * back to what its name alone says, which the reason states. Every parser here reads line by line or with a
 * real parser (JSON, smol-toml), in time linear in the file's size.
 */

export interface DetectedCommand {
  command: string;
  /** Why, for the summary: "from AGENTS.md line 12", "package.json script \"test\" (pnpm, from pnpm-lock.yaml)". */
  reason: string;
}

export type Found = {
  ecosystem: string;
  /** The file that says so, for the note when another build system is chosen: "build.gradle". */
  marker: string;
  test?: DetectedCommand;
  build?: DetectedCommand;
};
type Source = (project: Project) => Found | undefined;

/** Task runners wrap the build system (a justfile's `test` runs cargo): choosing one leaves nothing out. */
const TASK_RUNNERS = new Set(['just', 'Make']);

/**
 * Build systems the build files found but did not choose, while they chose another (spring-petclinic:
 * Gradle beside Maven): a note for each, and the programs they run, which CI commands then may not bring back.
 */
export function otherBuildSystems(
  found: readonly Found[],
  chosen: readonly (Found | undefined)[],
): { notes: string[]; programs: Set<string> } {
  const used = found.filter((f) => chosen.includes(f));
  const first = used.find((f) => !TASK_RUNNERS.has(f.ecosystem));
  const unused = found.filter((f) => !used.includes(f) && !TASK_RUNNERS.has(f.ecosystem) && commandsOf(f).length > 0);
  if (!first || unused.length === 0) return { notes: [], programs: new Set() };
  const usedPrograms = new Set(used.flatMap(commandsOf).map(programOf));
  return {
    notes: unused.map(
      (f) =>
        `${f.marker} is here too (${f.ecosystem}: ${commandsOf(f).join(', ')}), but ${first.ecosystem}'s commands ` +
        'were chosen; give --test-command or --build-command to use the other.',
    ),
    programs: new Set(
      unused
        .flatMap(commandsOf)
        .map(programOf)
        .filter((program) => !usedPrograms.has(program)),
    ),
  };
}

function commandsOf(found: Found): string[] {
  return [found.test?.command, found.build?.command].filter((command): command is string => command !== undefined);
}

/** The nearest folder (this one, then up to the repository root) holding one of `names`. */
function nearest(project: Project, names: readonly string[]): { dir: string; name: string } | undefined {
  for (const dir of project.ancestors()) {
    const name = names.find((n) => project.isFile(posix.join(dir, n)));
    if (name) return { dir, name };
  }
  return undefined;
}

/** "uv.lock" here, "uv.lock at the workspace root ../.." further up (`dir` is relative to the folder). */
function where(dir: string, name: string, what = 'the workspace root'): string {
  return dir === '' ? name : `${name} at ${what} ${dir}`;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> {
  return isJsonObject(value) ? value : {};
}

// ---------------------------------------------------------------------------------------------
// 1, 2. Task runners: a recipe or target named exactly `test` / `build`. Read line by line, each line
// scanned once: a rule line's names are the words before its first colon.

const TARGET_NAME = /^[A-Za-z0-9_.\-/]+$/;

/** Make: a rule line naming the target (`test:`, `test lint:`, `test: deps`), not `test := value`, not a recipe line. */
function makeTargets(text: string): Set<string> {
  const targets = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon < 0 || line[colon + 1] === '=' || (line[colon + 1] === ':' && line[colon + 2] === '=')) continue;
    const names = line
      .slice(0, colon)
      .trim()
      .split(/[ \t]+/);
    if (names.every((name) => TARGET_NAME.test(name))) for (const name of names) targets.add(name);
  }
  return targets;
}

/** A just recipe's name, read where the line starts (sticky: no search, no backtracking). */
const RECIPE_NAME = /[A-Za-z0-9_-]+/y;

/** just: a recipe line (`test:`, `@test:`, `test *ARGS:`, `test: build`), not `test := value` or `alias x := y`. */
function justRecipes(text: string): Set<string> {
  const recipes = new Set<string>();
  for (const line of text.split('\n')) {
    RECIPE_NAME.lastIndex = line.startsWith('@') ? 1 : 0;
    const name = RECIPE_NAME.exec(line)?.[0];
    const colon = name === undefined ? -1 : line.indexOf(':', RECIPE_NAME.lastIndex);
    if (name !== undefined && colon >= 0 && line[colon + 1] !== '=') recipes.add(name);
  }
  return recipes;
}

function taskRunner(
  runner: string,
  ecosystem: string,
  files: readonly string[],
  parse: (text: string) => Set<string>,
  noun: string,
): Source {
  return (project) => {
    const file = files.find((name) => project.isFile(name));
    if (!file) return undefined;
    const targets = parse(project.read(file) ?? '');
    const command = (target: string): DetectedCommand | undefined =>
      targets.has(target) ? { command: `${runner} ${target}`, reason: `${file} ${noun} "${target}"` } : undefined;
    return { ecosystem, marker: file, test: command('test'), build: command('build') };
  };
}

const justfile = taskRunner('just', 'just', ['justfile', 'Justfile', '.justfile'], justRecipes, 'recipe');
const makefile = taskRunner('make', 'Make', ['GNUmakefile', 'makefile', 'Makefile'], makeTargets, 'target');

// ---------------------------------------------------------------------------------------------
// 3. package.json scripts, run by the workspace's package manager.

type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** Lockfiles by the manager that writes them; when one folder has several, the first wins. */
const LOCKFILES: readonly (readonly [string, PackageManager])[] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

type ManagerFound = { manager: PackageManager; reason: string; root?: string };

/**
 * The package manager: from the nearest folder (this one, then up) that says which — the
 * `packageManager` field, a lockfile, pnpm-workspace.yaml, or a package.json with `workspaces`.
 * That folder is the workspace root when it is not this one.
 */
function packageManager(project: Project): ManagerFound {
  for (const dir of project.ancestors()) {
    const manifest = parseJson(project.read(posix.join(dir, 'package.json')));
    const declared = /^(npm|pnpm|yarn|bun)@/.exec(String(manifest?.packageManager ?? ''));
    const rootOf = dir === '' ? undefined : dir;
    if (declared) {
      return {
        manager: declared[1] as PackageManager,
        reason: `"packageManager" in ${where(dir, 'package.json')}`,
        root: rootOf,
      };
    }
    const lock = LOCKFILES.find(([name]) => project.isFile(posix.join(dir, name)));
    if (lock) return { manager: lock[1], reason: `from ${where(dir, lock[0])}`, root: rootOf };
    if (project.isFile(posix.join(dir, 'pnpm-workspace.yaml'))) {
      return { manager: 'pnpm', reason: `from ${where(dir, 'pnpm-workspace.yaml')}`, root: rootOf };
    }
    if (manifest?.workspaces !== undefined && rootOf) {
      return {
        manager: 'npm',
        reason: `"workspaces" in ${where(dir, 'package.json')}, no lockfile`,
        root: rootOf,
      };
    }
  }
  return { manager: 'npm', reason: 'no lockfile' };
}

/** How each manager runs a script here (bun's own `bun test` is its test runner, not the script). */
const RUN_SCRIPT: Record<PackageManager, (script: string) => string> = {
  npm: (s) => (s === 'test' ? 'npm test' : `npm run ${s}`),
  pnpm: (s) => (s === 'test' ? 'pnpm test' : `pnpm run ${s}`),
  yarn: (s) => (s === 'test' ? 'yarn test' : `yarn run ${s}`),
  bun: (s) => `bun run ${s}`,
};

/** How each manager runs the workspace root's script from a package folder; yarn 1 and berry differ, so none. */
const RUN_ROOT_SCRIPT: Record<PackageManager, ((script: string, root: string) => string) | undefined> = {
  npm: (s, root) => (s === 'test' ? `npm test --prefix ${root}` : `npm run ${s} --prefix ${root}`),
  pnpm: (s) => (s === 'test' ? 'pnpm -w test' : `pnpm -w run ${s}`),
  yarn: undefined,
  bun: (s, root) => `bun run --cwd ${root} ${s}`,
};

/** npm init's placeholder test script fails on purpose: it is no test command. */
function hasScript(manifest: Record<string, unknown> | undefined, name: string): boolean {
  const script = record(manifest?.scripts)[name];
  return typeof script === 'string' && script.trim() !== '' && !script.includes('no test specified');
}

const nodePackage: Source = (project) => {
  if (!project.isFile('package.json')) return undefined;
  const { manager, reason: managerReason, root } = packageManager(project);
  const manifest = parseJson(project.read('package.json'));
  const rootManifest = root ? parseJson(project.read(posix.join(root, 'package.json'))) : undefined;
  const command = (script: string): DetectedCommand | undefined => {
    if (!manifest) {
      // Unparsable (or refused by the reader): it still says "Node project"; assume the usual scripts, and say so.
      return {
        command: RUN_SCRIPT[manager](script),
        reason: `package.json could not be read as JSON; assumed a "${script}" script (${manager}, ${managerReason})`,
      };
    }
    if (hasScript(manifest, script)) {
      return {
        command: RUN_SCRIPT[manager](script),
        reason: `package.json script "${script}" (${manager}, ${managerReason})`,
      };
    }
    const runRoot = RUN_ROOT_SCRIPT[manager];
    if (root && runRoot && hasScript(rootManifest, script)) {
      return {
        command: runRoot(script, root),
        reason: `script "${script}" of the workspace root ${root}/package.json (${manager}, ${managerReason})`,
      };
    }
    return undefined;
  };
  return { ecosystem: manager, marker: 'package.json', test: command('test'), build: command('build') };
};

// ---------------------------------------------------------------------------------------------
// 4, 5. Maven and Gradle: the wrapper when the project has one (here or at the multi-module root).

function jvm(
  ecosystem: string,
  manifests: readonly string[],
  wrapper: string,
  tool: string,
  test: string,
  build: string,
): Source {
  return (project) => {
    const manifest = manifests.find((name) => project.isFile(name));
    if (!manifest) return undefined;
    const found = nearest(project, [wrapper]);
    const runner = found ? (found.dir === '' ? `./${wrapper}` : `${found.dir}/${wrapper}`) : tool;
    const reason = found ? `from ${manifest} and ${runner}` : `from ${manifest} (no ./${wrapper})`;
    return {
      ecosystem,
      marker: manifest,
      test: { command: `${runner} ${test}`, reason },
      build: { command: `${runner} ${build}`, reason },
    };
  };
}

const maven = jvm('Maven', ['pom.xml'], 'mvnw', 'mvn', 'test', 'compile');
const gradle = jvm(
  'Gradle',
  ['build.gradle.kts', 'build.gradle', 'settings.gradle.kts', 'settings.gradle'],
  'gradlew',
  'gradle',
  'test',
  'assemble',
);

// ---------------------------------------------------------------------------------------------
// 6. Python: the environment manager's lockfile, else the declared test runner, else pytest.

const PYTHON_MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'tox.ini', 'noxfile.py', 'pytest.ini', 'hatch.toml'];

/**
 * smol-toml parses in linear time, but slowly on crafted keys (a line of a hundred thousand dotted parts takes
 * about a second): a pyproject.toml larger than this, far above any real one (a few KiB), is not parsed.
 */
const MAX_TOML_PARSE = 128 * 1024;

/** pyproject.toml as TOML (smol-toml); a note when it is there but cannot be read or parsed. */
function pyproject(project: Project): { toml: Record<string, unknown>; problem: string } {
  if (!project.isFile('pyproject.toml')) return { toml: {}, problem: '' };
  const text = project.read('pyproject.toml');
  if (text === undefined) return { toml: {}, problem: ' (pyproject.toml could not be read)' };
  if (text.length > MAX_TOML_PARSE) return { toml: {}, problem: ' (pyproject.toml is too large to parse)' };
  try {
    return { toml: parseToml(text), problem: '' };
  } catch {
    return { toml: {}, problem: ' (pyproject.toml is not valid TOML)' };
  }
}

/** A table such as `[tool.poetry]` or `[tool.hatch.envs.test]` (so `tool.hatch.envs`), however it is written. */
function hasTable(toml: Record<string, unknown>, path: readonly string[]): boolean {
  let value: unknown = toml;
  for (const key of path) {
    if (!isJsonObject(value) || !Object.hasOwn(value, key)) return false;
    value = value[key];
  }
  return isJsonObject(value);
}

const python: Source = (project) => {
  const marker = PYTHON_MARKERS.find((name) => project.isFile(name));
  if (!marker) return undefined;
  const { toml, problem } = pyproject(project);
  const test = (ecosystem: string, command: string, reason: string): Found => ({
    ecosystem,
    marker,
    test: { command, reason: reason + problem },
  });

  const uvLock = nearest(project, ['uv.lock']);
  if (uvLock) return test('uv', 'uv run pytest', `from ${where(uvLock.dir, 'uv.lock')}`);
  if (project.isFile('poetry.lock')) return test('Poetry', 'poetry run pytest', 'from poetry.lock');
  if (project.isFile('pdm.lock')) return test('PDM', 'pdm run pytest', 'from pdm.lock');
  if (hasTable(toml, ['tool', 'poetry']))
    return test('Poetry', 'poetry run pytest', 'from [tool.poetry] in pyproject.toml');
  if (project.isFile('hatch.toml')) return test('Hatch', 'hatch test', 'from hatch.toml');
  if (hasTable(toml, ['tool', 'hatch', 'envs']))
    return test('Hatch', 'hatch test', 'from [tool.hatch.envs] in pyproject.toml');
  if (project.isFile('tox.ini') || project.isFile('tox.toml'))
    return test('tox', 'tox', `from ${project.isFile('tox.ini') ? 'tox.ini' : 'tox.toml'}`);
  if (hasTable(toml, ['tool', 'tox'])) return test('tox', 'tox', 'from [tool.tox] in pyproject.toml');
  if (project.isFile('noxfile.py')) return test('nox', 'nox', 'from noxfile.py');
  return test('pytest', 'pytest', `from ${marker}, no lockfile or test runner named`);
};

// ---------------------------------------------------------------------------------------------
// 7-11. One manifest, one pair of commands.

function simple(ecosystem: string, manifest: string, test: string, build: string): Source {
  return (project) => {
    if (!project.isFile(manifest)) return undefined;
    const reason = `from ${manifest}`;
    return { ecosystem, marker: manifest, test: { command: test, reason }, build: { command: build, reason } };
  };
}

const cargo = simple('Cargo', 'Cargo.toml', 'cargo test', 'cargo build');
const go = simple('Go', 'go.mod', 'go test ./...', 'go build ./...');
const swift = simple('Swift', 'Package.swift', 'swift test', 'swift build');
const mix = simple('Mix', 'mix.exs', 'mix test', 'mix compile');

/** A file name that may stand in a command or a reason: one plain word (no space, quote or control character). */
const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;

/** .NET: bare `dotnet test` when the folder holds one solution or project, else the solution named. */
const dotnet: Source = (project) => {
  const solutions = project.fileNames(/\.slnx?$/i);
  const projects = project.fileNames(/\.(cs|fs|vb)proj$/i);
  const candidates = [...solutions, ...projects];
  if (candidates.length === 0) return undefined;
  const chosen = candidates[0];
  // dotnet refuses to guess when a folder holds several (MSB1011). The only repository text that reaches a
  // command: it must be one plain word, since the command becomes a permission rule.
  if (candidates.length > 1 && !PLAIN_NAME.test(chosen)) return undefined;
  const target = candidates.length === 1 ? '' : ` ${chosen}`;
  const reason = PLAIN_NAME.test(chosen) ? `from ${chosen}` : 'from the .NET project file here';
  return {
    ecosystem: '.NET',
    marker: PLAIN_NAME.test(chosen) ? chosen : 'a .NET project file',
    test: { command: `dotnet test${target}`, reason },
    build: { command: `dotnet build${target}`, reason },
  };
};

// ---------------------------------------------------------------------------------------------
// 12. Ruby: RSpec when the project has specs, else a Rails app's runner, else rake.

const ruby: Source = (project) => {
  const bundler = project.isFile('Gemfile');
  if (!bundler && !project.isFile('Rakefile')) return undefined;
  const exec = bundler ? 'bundle exec ' : '';
  const from = bundler ? 'Gemfile' : 'Rakefile';
  let test: DetectedCommand | undefined;
  if (project.isFile('.rspec') || project.isDirectory('spec')) {
    test = { command: `${exec}rspec`, reason: `from ${from} and ${project.isFile('.rspec') ? '.rspec' : 'spec/'}` };
  } else if (project.isFile('bin/rails')) {
    test = { command: 'bin/rails test', reason: 'from bin/rails (a Rails app)' };
  } else if (project.isFile('Rakefile')) {
    test = { command: `${exec}rake test`, reason: bundler ? 'from Gemfile and Rakefile' : 'from Rakefile' };
  }
  return { ecosystem: bundler ? 'Bundler' : 'Rake', marker: from, test };
};

// ---------------------------------------------------------------------------------------------
// 13. PHP: composer's `test` script, else Laravel's runner, else the test framework it requires.

const composer: Source = (project) => {
  if (!project.isFile('composer.json')) return undefined;
  const manifest = parseJson(project.read('composer.json'));
  const unreadable = manifest ? '' : ' (composer.json could not be read as JSON)';
  const requires = { ...record(manifest?.require), ...record(manifest?.['require-dev']) };
  let test: DetectedCommand | undefined;
  if (record(manifest?.scripts).test !== undefined) {
    test = { command: 'composer test', reason: 'composer.json script "test"' };
  } else if (project.isFile('artisan')) {
    test = { command: 'php artisan test', reason: `from artisan (a Laravel app)${unreadable}` };
  } else if ('pestphp/pest' in requires) {
    test = { command: 'vendor/bin/pest', reason: 'composer.json requires pestphp/pest' };
  } else if ('phpunit/phpunit' in requires) {
    test = { command: 'vendor/bin/phpunit', reason: 'composer.json requires phpunit/phpunit' };
  }
  return { ecosystem: 'Composer', marker: 'composer.json', test };
};

// ---------------------------------------------------------------------------------------------
// 14. CMake: the conventional out-of-tree `build` folder (configured first: see withConfigureStep); tests
// only when CTest is enabled.

/** `enable_testing()` or `include(CTest)` on a line of its own (CMake commands are case-insensitive). */
function enablesCTest(lists: string): boolean {
  return lists.split('\n').some((line) => {
    const words = line.trim().toLowerCase();
    const included = callOf(words, 'include')?.trimStart();
    return (
      callOf(words, 'enable_testing') !== undefined || (included?.startsWith('ctest') && !/\w/.test(included[5] ?? ''))
    );
  });
}

/** For `name (args…`, the text after the parenthesis; else undefined. */
function callOf(line: string, name: string): string | undefined {
  if (!line.startsWith(name)) return undefined;
  const rest = line.slice(name.length).trimStart();
  return rest.startsWith('(') ? rest.slice(1) : undefined;
}

const cmake: Source = (project) => {
  if (!project.isFile('CMakeLists.txt')) return undefined;
  const ctest = enablesCTest(project.read('CMakeLists.txt') ?? '');
  return {
    ecosystem: 'CMake',
    marker: 'CMakeLists.txt',
    build: { command: 'cmake --build build', reason: 'from CMakeLists.txt' },
    ...(ctest && {
      test: {
        command: 'ctest --test-dir build',
        reason: 'from CMakeLists.txt (CTest enabled), once configured and built (cmake -B build, cmake --build build)',
      },
    }),
  };
};

export const SOURCES: readonly Source[] = [
  justfile,
  makefile,
  nodePackage,
  maven,
  gradle,
  python,
  cargo,
  go,
  dotnet,
  swift,
  mix,
  ruby,
  composer,
  cmake,
];
