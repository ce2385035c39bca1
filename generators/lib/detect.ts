import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The test and build commands a repository most likely uses, read from its build files, so the pack
 * pre-approves the right commands for background agents (each becomes a `Bash(<command> *)` rule).
 *
 * Sources, in order; each command (test, build) comes from the first source that has one, so a
 * Laravel app gets `composer test` and `npm run build`:
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
 *
 * Why this order: a justfile or Makefile target named `test` is the repository saying how it wants
 * its tests run (environment, flags), so it comes first. package.json comes before the other
 * ecosystems because a repository that has one with a `test` script runs it in CI; its absence
 * falls through (a Laravel or Rails app's package.json usually has only `build`). The rest rarely
 * meet in one folder; when Maven and Gradle do (spring-petclinic), its README names Maven first. Within Python a lockfile names the environment manager the project really
 * uses, so `uv run pytest` beats tox's whole-matrix run.
 *
 * Only the folder's own build files count (the pack goes where the project is); the search goes up,
 * never past the repository root, only for what a package folder inherits: the workspace's package
 * manager and root scripts, a Maven or Gradle wrapper, a uv workspace's uv.lock.
 *
 * Commands are plain (no shell operators, quotes or globs) because each becomes a permission rule:
 * they are built from fixed words, `..` paths and, for .NET, a file name checked to be one word.
 *
 * The repository is untrusted input: a symlink that leads out of it is ignored, only regular files
 * are read (a FIFO named package.json cannot block), reads are capped, and a file that cannot be
 * parsed falls back to what its name alone says, which the reason states.
 */

interface DetectedCommand {
  command: string;
  /** Why, for the summary: "from uv.lock", "package.json script \"test\" (pnpm, from pnpm-lock.yaml)". */
  reason: string;
}

export interface Detection {
  testCommand?: DetectedCommand;
  buildCommand?: DetectedCommand;
  /** The ecosystem of the test command (else the build command), e.g. "pnpm", "Maven", "uv". */
  ecosystem?: string;
}

/** Larger build files are treated as unreadable: a real manifest is a few KiB. */
const MAX_READ_BYTES = 1024 * 1024;

type Found = { ecosystem: string; test?: DetectedCommand; build?: DetectedCommand };
type Source = (project: Project) => Found | undefined;

/**
 * `folder`: where the pack goes (the generator's destination); `repoRoot`: the repository's root (the
 * git root; the folder itself outside a repository), which bounds every upward search and every read.
 */
export function detectCommands(folder: string, repoRoot: string): Detection {
  const project = Project.open(folder, repoRoot);
  if (!project) return {};
  const found = SOURCES.map((source) => source(project)).filter((f): f is Found => f !== undefined);
  const test = found.find((f) => f.test);
  const build = found.find((f) => f.build);
  const ecosystem = (test ?? build)?.ecosystem;
  return {
    ...(test && { testCommand: test.test }),
    ...(build && { buildCommand: build.build }),
    ...(ecosystem && { ecosystem }),
  };
}

/**
 * Read-only access to the repository, confined to it: paths are relative to the folder the
 * generator runs in, and anything that resolves outside the repository root does not exist.
 */
class Project {
  private constructor(
    readonly folder: string,
    private readonly root: string,
  ) {}

  static open(folder: string, repoRoot: string): Project | undefined {
    const realFolder = realPath(folder);
    if (realFolder === undefined) return undefined;
    const realRoot = realPath(repoRoot);
    // A folder outside the given root (or a root that does not exist) is its own root: never search above it.
    return new Project(realFolder, realRoot !== undefined && within(realRoot, realFolder) ? realRoot : realFolder);
  }

  /** The folder and its parents up to the repository root, nearest first. */
  ancestors(): string[] {
    const dirs = [this.folder];
    for (let dir = this.folder; dir !== this.root && dirname(dir) !== dir; ) {
      dir = dirname(dir);
      dirs.push(dir);
    }
    return dirs;
  }

  /** The real path of `path` (relative to the folder), when it stays inside the repository. */
  private inside(path: string): string | undefined {
    const real = realPath(resolve(this.folder, path));
    return real !== undefined && within(this.root, real) ? real : undefined;
  }

  isFile(path: string): boolean {
    return this.stats(path)?.isFile() === true;
  }

  isDirectory(path: string): boolean {
    return this.stats(path)?.isDirectory() === true;
  }

  private stats(path: string): Stats | undefined {
    const real = this.inside(path);
    try {
      return real === undefined ? undefined : statSync(real);
    } catch {
      return undefined;
    }
  }

  /** The file's text; undefined when it is missing, not a regular file, too large or unreadable. */
  read(path: string): string | undefined {
    const real = this.inside(path);
    if (real === undefined) return undefined;
    let fd: number | undefined;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then rejects it.
      fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
      const stats = fstatSync(fd);
      if (!stats.isFile() || stats.size > MAX_READ_BYTES) return undefined;
      const buffer = Buffer.alloc(stats.size);
      const length = readSync(fd, buffer, 0, stats.size, 0);
      return buffer.toString('utf8', 0, length).replace(/^\uFEFF/, '');
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Names of the regular files directly in the folder that match `pattern`, sorted. */
  fileNames(pattern: RegExp): string[] {
    try {
      return readdirSync(this.folder)
        .filter((name) => pattern.test(name) && this.isFile(name))
        .sort();
    } catch {
      return [];
    }
  }

  /** `dir` (an ancestor) as a path relative to the folder, for commands and reasons: "..", "../..". */
  relativeTo(dir: string): string {
    return relative(this.folder, dir).split(sep).join('/');
  }
}

/** The path with every symlink resolved; undefined when it does not exist or cannot be resolved. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The nearest folder (this one, then up to the repository root) holding one of `names`. */
function nearest(project: Project, names: readonly string[]): { dir: string; name: string } | undefined {
  for (const dir of project.ancestors()) {
    const name = names.find((n) => project.isFile(join(dir, n)));
    if (name) return { dir, name };
  }
  return undefined;
}

/** "uv.lock" here, "uv.lock at the workspace root ../.." further up. */
function where(project: Project, dir: string, name: string, what = 'the workspace root'): string {
  const rel = project.relativeTo(dir);
  return rel === '' ? name : `${name} at ${what} ${rel}`;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------
// 1, 2. Task runners: a recipe or target named exactly `test` / `build`.

/** Make: a rule line naming the target (`test:`, `test lint:`, `test: deps`), not `test := value`. */
function makeTargets(text: string): Set<string> {
  const targets = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const rule = /^([A-Za-z0-9_.\-/ ]+?)\s*::?(?!=)/.exec(line);
    if (rule) for (const name of rule[1].split(/\s+/)) targets.add(name);
  }
  return targets;
}

/** just: a recipe line (`test:`, `@test:`, `test *ARGS:`, `test: build`), not `test := value`. */
function justRecipes(text: string): Set<string> {
  const recipes = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const recipe = /^@?([A-Za-z0-9_-]+)\b[^:\n]*:(?!=)/.exec(line);
    if (recipe) recipes.add(recipe[1]);
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
    return { ecosystem, test: command('test'), build: command('build') };
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
    const manifest = parseJson(project.read(join(dir, 'package.json')));
    const declared = /^(npm|pnpm|yarn|bun)@/.exec(String(manifest?.packageManager ?? ''));
    const rootOf = dir === project.folder ? undefined : dir;
    if (declared) {
      return {
        manager: declared[1] as PackageManager,
        reason: `"packageManager" in ${where(project, dir, 'package.json')}`,
        root: rootOf,
      };
    }
    const lock = LOCKFILES.find(([name]) => project.isFile(join(dir, name)));
    if (lock) return { manager: lock[1], reason: `from ${where(project, dir, lock[0])}`, root: rootOf };
    if (project.isFile(join(dir, 'pnpm-workspace.yaml'))) {
      return { manager: 'pnpm', reason: `from ${where(project, dir, 'pnpm-workspace.yaml')}`, root: rootOf };
    }
    if (manifest?.workspaces !== undefined && rootOf) {
      return {
        manager: 'npm',
        reason: `"workspaces" in ${where(project, dir, 'package.json')}, no lockfile`,
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
  return typeof script === 'string' && script.trim() !== '' && !/no test specified/.test(script);
}

const nodePackage: Source = (project) => {
  if (!project.isFile('package.json')) return undefined;
  const { manager, reason: managerReason, root } = packageManager(project);
  const manifest = parseJson(project.read('package.json'));
  const rootManifest = root ? parseJson(project.read(join(root, 'package.json'))) : undefined;
  const command = (script: string): DetectedCommand | undefined => {
    if (!manifest) {
      // Unparsable (or oversized): it still says "Node project"; assume the usual scripts, and say so.
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
      const rel = project.relativeTo(root);
      return {
        command: runRoot(script, rel),
        reason: `script "${script}" of the workspace root ${rel}/package.json (${manager}, ${managerReason})`,
      };
    }
    return undefined;
  };
  return { ecosystem: manager, test: command('test'), build: command('build') };
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
    const rel = found && project.relativeTo(found.dir);
    const runner = found ? (rel === '' ? `./${wrapper}` : `${rel}/${wrapper}`) : tool;
    const reason = found ? `from ${manifest} and ${runner}` : `from ${manifest} (no ./${wrapper})`;
    return {
      ecosystem,
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

/** A TOML table header such as `[tool.poetry]`, `[tool.hatch.envs.test]` or `[[tool.hatch.envs.test.matrix]]`. */
function hasTable(toml: string, prefix: string): boolean {
  return new RegExp(`^\\s*\\[\\[?\\s*${prefix.replace(/\./g, '\\.')}(\\s*\\]|\\.)`, 'm').test(toml);
}

const python: Source = (project) => {
  const marker = PYTHON_MARKERS.find((name) => project.isFile(name));
  if (!marker) return undefined;
  const pyproject = project.read('pyproject.toml');
  const unreadable =
    project.isFile('pyproject.toml') && pyproject === undefined ? ' (pyproject.toml could not be read)' : '';
  const toml = pyproject ?? '';
  const test = (ecosystem: string, command: string, reason: string): Found => ({
    ecosystem,
    test: { command, reason: reason + unreadable },
  });

  const uvLock = nearest(project, ['uv.lock']);
  if (uvLock) return test('uv', 'uv run pytest', `from ${where(project, uvLock.dir, 'uv.lock')}`);
  if (project.isFile('poetry.lock')) return test('Poetry', 'poetry run pytest', 'from poetry.lock');
  if (project.isFile('pdm.lock')) return test('PDM', 'pdm run pytest', 'from pdm.lock');
  if (hasTable(toml, 'tool.poetry')) return test('Poetry', 'poetry run pytest', 'from [tool.poetry] in pyproject.toml');
  if (project.isFile('hatch.toml')) return test('Hatch', 'hatch test', 'from hatch.toml');
  if (hasTable(toml, 'tool.hatch.envs')) return test('Hatch', 'hatch test', 'from [tool.hatch.envs] in pyproject.toml');
  if (project.isFile('tox.ini') || project.isFile('tox.toml'))
    return test('tox', 'tox', `from ${project.isFile('tox.ini') ? 'tox.ini' : 'tox.toml'}`);
  if (hasTable(toml, 'tool.tox')) return test('tox', 'tox', 'from [tool.tox] in pyproject.toml');
  if (project.isFile('noxfile.py')) return test('nox', 'nox', 'from noxfile.py');
  return test('pytest', 'pytest', `from ${marker}, no lockfile or test runner named`);
};

// ---------------------------------------------------------------------------------------------
// 7-11. One manifest, one pair of commands.

function simple(ecosystem: string, manifest: string, test: string, build: string): Source {
  return (project) => {
    if (!project.isFile(manifest)) return undefined;
    const reason = `from ${manifest}`;
    return { ecosystem, test: { command: test, reason }, build: { command: build, reason } };
  };
}

const cargo = simple('Cargo', 'Cargo.toml', 'cargo test', 'cargo build');
const go = simple('Go', 'go.mod', 'go test ./...', 'go build ./...');
const swift = simple('Swift', 'Package.swift', 'swift test', 'swift build');
const mix = simple('Mix', 'mix.exs', 'mix test', 'mix compile');

/** .NET: bare `dotnet test` when the folder holds one solution or project, else the solution named. */
const dotnet: Source = (project) => {
  const solutions = project.fileNames(/\.slnx?$/i);
  const projects = project.fileNames(/\.(cs|fs|vb)proj$/i);
  const candidates = [...solutions, ...projects];
  if (candidates.length === 0) return undefined;
  const chosen = candidates[0];
  // dotnet refuses to guess when a folder holds several (MSB1011). The only repository text that reaches a
  // command: it must be one plain word, since the command becomes a permission rule.
  if (candidates.length > 1 && !/^[A-Za-z0-9._-]+$/.test(chosen)) return undefined;
  const target = candidates.length === 1 ? '' : ` ${chosen}`;
  const reason = `from ${chosen}`;
  return {
    ecosystem: '.NET',
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
  return { ecosystem: bundler ? 'Bundler' : 'Rake', test };
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
  return { ecosystem: 'Composer', test };
};

// ---------------------------------------------------------------------------------------------
// 14. CMake: the conventional out-of-tree `build` folder; tests only when CTest is enabled.

const cmake: Source = (project) => {
  if (!project.isFile('CMakeLists.txt')) return undefined;
  const lists = project.read('CMakeLists.txt') ?? '';
  const ctest = /^\s*(enable_testing\s*\(|include\s*\(\s*CTest\b)/im.test(lists);
  return {
    ecosystem: 'CMake',
    build: { command: 'cmake --build build', reason: 'from CMakeLists.txt' },
    ...(ctest && { test: { command: 'ctest --test-dir build', reason: 'from CMakeLists.txt (CTest enabled)' } }),
  };
};

const SOURCES: readonly Source[] = [
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
