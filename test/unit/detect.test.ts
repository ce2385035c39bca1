import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Repository } from '../../generators/io/repository.js';
import { githubRunCommands, gitlabScriptCommands } from '../../generators/lib/ci-commands.js';
import { classify } from '../../generators/lib/command-shape.js';
import { type Detection, detectCommands } from '../../generators/lib/detect.js';
import { AiPackError } from '../../generators/lib/errors.js';
import { commandsInMarkdown } from '../../generators/lib/markdown-commands.js';
import type { RepositoryFiles } from '../../generators/lib/project-files.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/projects');

/** A command and the reason the summary gives for it. */
type Said = [command: string, reason: string];
type Expected = { folder?: string; test?: Said; build?: Said; notes?: string[] };

const POM_MVNW = 'from pom.xml and ./mvnw';
const CMAKE_BUILD =
  'from CMakeLists.txt; cmake, so a fresh clone can be configured (cmake -B build), then built (cmake --build build)';

/**
 * Real repository layouts (see test/fixtures/projects/README.md); `folder` is where the generator runs, the
 * fixture is the repository root. Line numbers are the real files' own.
 */
const FIXTURES: Record<string, Expected[]> = {
  'maven-gson': [
    { test: ['mvn test', 'from pom.xml (no ./mvnw)'], build: ['mvn compile', 'from pom.xml (no ./mvnw)'] },
    {
      folder: 'gson',
      test: ['mvn test', 'from pom.xml (no ./mvnw)'],
      build: ['mvn compile', 'from pom.xml (no ./mvnw)'],
    },
  ],
  // Maven and Gradle both: Maven's commands, a note naming Gradle, and CI's `./gradlew build` passed over.
  'maven-petclinic': [
    {
      test: ['./mvnw test', POM_MVNW],
      build: ['./mvnw compile', POM_MVNW],
      notes: [
        "build.gradle is here too (Gradle: ./gradlew test, ./gradlew assemble), but Maven's commands were chosen; give --test-command or --build-command to use the other.",
      ],
    },
  ],
  'gradle-okhttp': [
    {
      test: ['./gradlew test', 'from build.gradle.kts and ./gradlew'],
      build: ['./gradlew assemble', 'from build.gradle.kts and ./gradlew'],
    },
    {
      folder: 'okhttp',
      test: ['../gradlew test', 'from build.gradle.kts and ../gradlew'],
      build: ['../gradlew assemble', 'from build.gradle.kts and ../gradlew'],
    },
  ],
  'pnpm-vite': [
    {
      test: ['pnpm test', 'package.json script "test" (pnpm, "packageManager" in package.json)'],
      build: ['pnpm run build', 'package.json script "build" (pnpm, "packageManager" in package.json)'],
    },
    {
      folder: 'packages/vite',
      test: [
        'pnpm -w test',
        'script "test" of the workspace root ../../package.json (pnpm, "packageManager" in package.json at the workspace root ../..)',
      ],
      build: [
        'pnpm run build',
        'package.json script "build" (pnpm, "packageManager" in package.json at the workspace root ../..)',
      ],
    },
  ],
  'yarn-jest': [
    {
      test: ['yarn test', 'package.json script "test" (yarn, "packageManager" in package.json)'],
      build: ['yarn run build', 'package.json script "build" (yarn, "packageManager" in package.json)'],
    },
    // No scripts of its own, and yarn 1 and berry differ on running the root's: nothing to approve.
    { folder: 'packages/jest-cli' },
  ],
  // Its docs/CONTRIBUTING.md names the test script, its CI the build.
  'bun-hono': [
    {
      test: ['bun run test', 'from docs/CONTRIBUTING.md line 39'],
      build: ['bun run build', 'from .github/workflows/ci.yml line 52'],
    },
  ],
  // CLAUDE.md says `bun test` (bun's own runner), where package.json alone gives `bun run test`.
  'bun-claude-code-action': [{ test: ['bun test', 'from CLAUDE.md line 6'] }],
  // AGENTS.md: "Use tox for testing (not pytest directly)", run through uv; uv.lock alone gives `uv run pytest`.
  'agents-sentry-python': [
    { test: ['uv run tox', 'from AGENTS.md line 12'], build: ['uv build', 'from .github/workflows/ci.yml line 57'] },
  ],
  laravel: [
    {
      test: ['composer test', 'composer.json script "test"'],
      build: ['npm run build', 'package.json script "build" (npm, no lockfile)'],
    },
  ],
  // AGENTS.md's commands block: `bin/rails test` (simpler than `bin/rails test:all`); "`mocha` for mocking" is no command.
  'rails-rubygems': [{ test: ['bin/rails test', 'from AGENTS.md line 43'] }],
  'uv-flask': [{ test: ['uv run pytest', 'from uv.lock'] }],
  'tox-uv-pytest': [{ test: ['uv run pytest', 'from uv.lock'] }],
  poetry: [{ test: ['poetry run pytest', 'from poetry.lock'] }],
  hatch: [{ test: ['hatch test', 'from hatch.toml'] }],
  'nox-pip': [{ test: ['nox', 'from noxfile.py'] }],
  'rspec-core': [{ test: ['bundle exec rspec', 'from Gemfile and .rspec'] }],
  'make-requests': [{ test: ['make test', 'Makefile target "test"'] }],
  // CONTRIBUTING.md: "Tests can be run via `go test ./...` or `make test`": the first of two as simple.
  cobra: [{ test: ['go test', 'from CONTRIBUTING.md line 34'], build: ['go build ./...', 'from go.mod'] }],
  just: [{ test: ['just test', 'justfile recipe "test"'], build: ['just build', 'justfile recipe "build"'] }],
  'cargo-ripgrep': [
    { test: ['cargo test', 'from Cargo.toml'], build: ['cargo build', 'from Cargo.toml'] },
    { folder: 'crates/ignore', test: ['cargo test', 'from Cargo.toml'], build: ['cargo build', 'from Cargo.toml'] },
  ],
  'dotnet-newtonsoft': [
    {
      folder: 'Src',
      test: ['dotnet test', 'from Newtonsoft.Json.slnx'],
      build: ['dotnet build', 'from Newtonsoft.Json.slnx'],
    },
  ],
  'swift-argument-parser': [
    {
      test: ['swift test', 'from Package.swift'],
      build: ['swift build', 'from Package.swift'],
      notes: [
        "CMakeLists.txt is here too (CMake: ctest --test-dir build, cmake --build build), but Swift's commands were chosen; give --test-command or --build-command to use the other.",
      ],
    },
  ],
  'elixir-plug': [{ test: ['mix test', 'from mix.exs'], build: ['mix compile', 'from mix.exs'] }],
  // A fresh clone needs configuring: `cmake` covers that and the build; its CI's steps run in another folder.
  'cmake-fmt': [
    {
      test: [
        'ctest --test-dir build',
        'from CMakeLists.txt (CTest enabled), once configured and built (cmake -B build, cmake --build build)',
      ],
      build: ['cmake', CMAKE_BUILD],
    },
  ],
};

/** What a command may contain, since it becomes a `Bash(<command> *)` rule. */
const UNSAFE = /[;&|><`$*'"\\\n]/;

/** The detection `expected` describes. */
function detection({ test, build, notes }: Expected): Detection {
  return {
    ...(test && { testCommand: { command: test[0], reason: test[1] } }),
    ...(build && { buildCommand: { command: build[0], reason: build[1] } }),
    ...(notes && { notes }),
  };
}

describe('detectCommands on real repository layouts', () => {
  it('every fixture folder has its expectations', () => {
    const folders = readdirSync(fixtures, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(Object.keys(FIXTURES).sort()).toEqual(folders.sort());
  });

  const cases = Object.entries(FIXTURES).flatMap(([name, expectations]) =>
    expectations.map((e) => [`${name}${e.folder ? `/${e.folder}` : ''}`, name, e] as const),
  );
  it.each(cases)('%s', (_label, name, expected) => {
    const found = detectCommands(new Repository(join(fixtures, name)), expected.folder ?? '');
    expect(found).toStrictEqual(detection(expected));
    for (const command of [found.testCommand, found.buildCommand]) expect(command?.command ?? '').not.toMatch(UNSAFE);
  });
});

const dirs: string[] = [];
function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ai-pack-detect-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Detection in a folder that is its repository's root, or in `folder` of it. */
const detectIn = (repo: string, folder = '') => detectCommands(new Repository(repo), folder);
const pkg = (scripts: Record<string, string>, extra: object = {}) => JSON.stringify({ name: 'x', scripts, ...extra });
const commands = (d: Detection) => [d.testCommand?.command, d.buildCommand?.command];

describe('detectCommands: package managers', () => {
  it("npm without a lockfile; only the scripts that exist; npm init's placeholder test is none", () => {
    expect(commands(detectIn(repoWith({ 'package.json': pkg({ test: 'vitest', build: 'tsc' }) })))).toEqual([
      'npm test',
      'npm run build',
    ]);
    expect(commands(detectIn(repoWith({ 'package.json': pkg({ build: 'tsc' }) })))).toEqual([
      undefined,
      'npm run build',
    ]);
    const placeholder = 'echo "Error: no test specified" && exit 1';
    expect(detectIn(repoWith({ 'package.json': pkg({ test: placeholder }) }))).toEqual({});
  });

  it('each lockfile picks its manager; bun runs the script, not its own test runner', () => {
    const both = { test: 'x', build: 'y' };
    expect(commands(detectIn(repoWith({ 'package.json': pkg(both), 'yarn.lock': '' })))).toEqual([
      'yarn test',
      'yarn run build',
    ]);
    expect(commands(detectIn(repoWith({ 'package.json': pkg(both), 'bun.lock': '' })))).toEqual([
      'bun run test',
      'bun run build',
    ]);
    expect(commands(detectIn(repoWith({ 'package.json': pkg(both), 'yarn.lock': '', 'pnpm-lock.yaml': '' })))).toEqual([
      'pnpm test',
      'pnpm run build',
    ]);
  });

  it('the packageManager field wins over a lockfile', () => {
    const repo = repoWith({
      'package.json': pkg({ test: 'x' }, { packageManager: 'yarn@4.5.0' }),
      'package-lock.json': '{}',
    });
    expect(detectIn(repo).testCommand).toEqual({
      command: 'yarn test',
      reason: 'package.json script "test" (yarn, "packageManager" in package.json)',
    });
  });

  it("a package folder uses its workspace root's manager, and the root's script when it has none", () => {
    const repo = repoWith({
      'package.json': pkg({ test: 'vitest run' }, { workspaces: ['packages/*'] }),
      'package-lock.json': '{}',
      'packages/a/package.json': pkg({ build: 'tsc' }),
    });
    const detection = detectIn(repo, 'packages/a');
    expect(detection.buildCommand).toEqual({
      command: 'npm run build',
      reason: 'package.json script "build" (npm, from package-lock.json at the workspace root ../..)',
    });
    expect(detection.testCommand?.command).toBe('npm test --prefix ../..');
  });

  it('pnpm-workspace.yaml alone names pnpm; a yarn workspace does not borrow the root script (yarn 1 and berry differ)', () => {
    const pnpm = repoWith({
      'pnpm-workspace.yaml': 'packages:\n  - pkgs/*\n',
      'pkgs/a/package.json': pkg({ test: 'x' }),
    });
    expect(detectIn(pnpm, 'pkgs/a').testCommand?.reason).toBe(
      'package.json script "test" (pnpm, from pnpm-workspace.yaml at the workspace root ../..)',
    );
    const yarn = repoWith({
      'package.json': pkg({ test: 'jest' }, { workspaces: ['pkgs/*'] }),
      'yarn.lock': '',
      'pkgs/a/package.json': pkg({ build: 'tsc' }),
    });
    expect(commands(detectIn(yarn, 'pkgs/a'))).toEqual([undefined, 'yarn run build']);
  });
});

describe('detectCommands: order and fall-through', () => {
  it('a Makefile target beats the language tool; a missing target falls through per command', () => {
    const repo = repoWith({
      Makefile: '.PHONY: test\ntest: deps\n\tcargo nextest run\nlint:\n',
      'Cargo.toml': '[package]\n',
    });
    expect(commands(detectIn(repo))).toEqual(['make test', 'cargo build']);
  });

  it('Make and just assignments and recipe bodies are no targets', () => {
    const repo = repoWith({
      Makefile: 'test := 1\nbuild ?= 2\nall:\n\tbuild: x\n',
      justfile: 'test := "x"\nalias build := b\n',
    });
    expect(detectIn(repo)).toEqual({});
  });

  it('Python: uv.lock of a uv workspace, then poetry, tox, nox, plain pytest', () => {
    const uv = repoWith({
      'pyproject.toml': '[tool.uv.workspace]\n',
      'uv.lock': '',
      'pkgs/a/pyproject.toml': '[project]\n',
    });
    expect(detectIn(uv, 'pkgs/a').testCommand).toEqual({
      command: 'uv run pytest',
      reason: 'from uv.lock at the workspace root ../..',
    });
    expect(detectIn(repoWith({ 'pyproject.toml': '[tool.poetry]\nname = "x"\n' })).testCommand?.command).toBe(
      'poetry run pytest',
    );
    expect(detectIn(repoWith({ 'pyproject.toml': '[tool.tox]\n' })).testCommand?.command).toBe('tox');
    expect(detectIn(repoWith({ 'noxfile.py': '', 'pyproject.toml': '' })).testCommand?.command).toBe('nox');
    expect(detectIn(repoWith({ 'setup.py': '' }))).toStrictEqual({
      testCommand: { command: 'pytest', reason: 'from setup.py, no lockfile or test runner named' },
    });
    // A table however TOML writes it: dotted keys, inline tables, a sub-table of hatch's envs.
    expect(detectIn(repoWith({ 'pyproject.toml': 'tool.poetry.name = "x"\n' })).testCommand?.command).toBe(
      'poetry run pytest',
    );
    expect(detectIn(repoWith({ 'pyproject.toml': '[tool]\ntox = { legacy_tox_ini = "" }\n' })).testCommand).toEqual({
      command: 'tox',
      reason: 'from [tool.tox] in pyproject.toml',
    });
    expect(detectIn(repoWith({ 'pyproject.toml': '[tool.hatch.envs.test]\n' })).testCommand?.command).toBe(
      'hatch test',
    );
    // A table name inside a string is no table.
    expect(detectIn(repoWith({ 'pyproject.toml': 'x = """\n[tool.poetry]\n"""\n' })).testCommand?.command).toBe(
      'pytest',
    );
  });

  it('Ruby with RSpec, PHP with phpunit only, .NET with several projects, CMake without CTest (configured first)', () => {
    expect(detectIn(repoWith({ Gemfile: '', '.rspec': '', 'bin/rails': '' })).testCommand?.command).toBe(
      'bundle exec rspec',
    );
    expect(detectIn(repoWith({ Gemfile: '', Rakefile: '' })).testCommand?.command).toBe('bundle exec rake test');
    expect(
      detectIn(repoWith({ 'composer.json': '{"require-dev":{"phpunit/phpunit":"^11"}}' })).testCommand?.command,
    ).toBe('vendor/bin/phpunit');
    expect(commands(detectIn(repoWith({ 'App.sln': '', 'App.csproj': '' })))).toEqual([
      'dotnet test App.sln',
      'dotnet build App.sln',
    ]);
    expect(detectIn(repoWith({ 'My App.sln': '', 'App.csproj': '' }))).toEqual({});
    // A lone project file's name is not named when it is not plain: it would reach the terminal.
    expect(detectIn(repoWith({ 'App\u001b[1A\u001b[2K.csproj': '' })).testCommand).toEqual({
      command: 'dotnet test',
      reason: 'from the .NET project file here',
    });
    expect(detectIn(repoWith({ 'CMakeLists.txt': 'project(x)\n' }))).toStrictEqual({
      buildCommand: { command: 'cmake', reason: CMAKE_BUILD },
    });
    // CTest on a line of its own, in any case; a mention in a comment or another name is not it.
    for (const lists of ['ENABLE_TESTING()\n', '  include ( CTest )\n'])
      expect(detectIn(repoWith({ 'CMakeLists.txt': lists })).testCommand?.command).toBe('ctest --test-dir build');
    for (const lists of ['# enable_testing()\n', 'include(CTestConfig)\n', 'enable_testing_later()\n'])
      expect(detectIn(repoWith({ 'CMakeLists.txt': lists })).testCommand).toBeUndefined();
  });

  it('nothing recognisable: no command at all', () => {
    expect(detectIn(repoWith({ 'README.md': '# x' }))).toEqual({});
    expect(detectIn(repoWith({ 'README.md': '# x' }), 'missing-folder')).toEqual({});
  });
});

describe('detectCommands: the repository is untrusted input', () => {
  it('never searches above the repository root', () => {
    const outer = repoWith({ 'pnpm-lock.yaml': '', 'uv.lock': '', mvnw: '' });
    mkdirSync(join(outer, 'repo'));
    writeFileSync(join(outer, 'repo/package.json'), pkg({ test: 'x' }));
    writeFileSync(join(outer, 'repo/pyproject.toml'), '');
    writeFileSync(join(outer, 'repo/pom.xml'), '<project/>');
    const repo = join(outer, 'repo');
    expect(detectIn(repo).testCommand).toEqual({
      command: 'npm test',
      reason: 'package.json script "test" (npm, no lockfile)',
    });
    rmSync(join(repo, 'package.json'));
    expect(commands(detectIn(repo))).toEqual(['mvn test', 'mvn compile']);
  });

  it('ignores a symlinked package.json or wrapper that points out of the repository', () => {
    const outside = repoWith({ 'package.json': pkg({ test: 'steal' }), mvnw: '' });
    const repo = repoWith({ 'pom.xml': '<project/>' });
    symlinkSync(join(outside, 'package.json'), join(repo, 'package.json'));
    symlinkSync(join(outside, 'mvnw'), join(repo, 'mvnw'));
    expect(commands(detectIn(repo))).toEqual(['mvn test', 'mvn compile']);
  });

  it('follows a symlink that stays inside the repository', () => {
    const repo = repoWith({ 'shared/package.json': pkg({ test: 'x' }) });
    mkdirSync(join(repo, 'app'));
    symlinkSync(join(repo, 'shared/package.json'), join(repo, 'app/package.json'));
    expect(detectIn(repo, 'app').testCommand?.command).toBe('npm test');
  });

  it('a FIFO named package.json, here or at the workspace root, does not block', () => {
    const repo = repoWith({ 'Cargo.toml': '', 'pkg/package.json': pkg({ test: 'x' }) });
    execFileSync('mkfifo', [join(repo, 'package.json'), join(repo, 'composer.json')]);
    expect(commands(detectIn(repo))).toEqual(['cargo test', 'cargo build']);
    expect(detectIn(repo, 'pkg').testCommand?.command).toBe('npm test');
  }, 5000);

  it('a malformed package.json still means Node, and the reason says the scripts are assumed', () => {
    const detection = detectIn(repoWith({ 'package.json': '{ not json', 'pnpm-lock.yaml': '' }));
    expect(commands(detection)).toEqual(['pnpm test', 'pnpm run build']);
    expect(detection.testCommand?.reason).toBe(
      'package.json could not be read as JSON; assumed a "test" script (pnpm, from pnpm-lock.yaml)',
    );
  });

  it('a file the checked reader refuses (too large, say) counts as unreadable; a malformed composer.json or pyproject never throws', () => {
    const repo = repoWith({ 'package.json': pkg({ test: 'x' }), 'pyproject.toml': '[tool.poetry]\n' });
    const refusing = refusingReader(new Repository(repo), ['package.json', 'pyproject.toml']);
    expect(detectCommands(refusing, '').testCommand?.reason).toBe(
      'package.json could not be read as JSON; assumed a "test" script (npm, no lockfile)',
    );
    rmSync(join(repo, 'package.json'));
    expect(detectCommands(refusing, '').testCommand).toEqual({
      command: 'pytest',
      reason: 'from pyproject.toml, no lockfile or test runner named (pyproject.toml could not be read)',
    });
    expect(detectIn(repoWith({ 'composer.json': '{', artisan: '' })).testCommand).toEqual({
      command: 'php artisan test',
      reason: 'from artisan (a Laravel app) (composer.json could not be read as JSON)',
    });
    expect(detectIn(repoWith({ 'pyproject.toml': '\u0000[[[not toml', 'uv.lock': '' })).testCommand).toEqual({
      command: 'uv run pytest',
      reason: 'from uv.lock (pyproject.toml is not valid TOML)',
    });
  });

  it('a bug in the reader is not taken for a refusal', () => {
    const repository = new Repository(repoWith({ 'package.json': pkg({ test: 'x' }) }));
    const broken: RepositoryFiles = {
      read: () => {
        throw new TypeError('a bug');
      },
      isFile: (path) => repository.isFile(path),
      isFolder: (path) => repository.isFolder(path),
      list: (folder) => repository.list(folder),
    };
    expect(() => detectCommands(broken, '')).toThrow(TypeError);
  });
});

/** The repository's reader, refusing `paths` as the checked reader refuses a file over its size cap. */
function refusingReader(repository: Repository, paths: readonly string[]): RepositoryFiles {
  return {
    read: (path) => {
      if (paths.includes(path)) throw new AiPackError(`${path} is too large to read.`);
      return repository.read(path);
    },
    isFile: (path) => repository.isFile(path),
    isFolder: (path) => repository.isFolder(path),
    list: (folder) => repository.list(folder),
  };
}

describe("detectCommands: the project's own word (AGENTS.md, CLAUDE.md, CONTRIBUTING.md)", () => {
  it('a code span on a line about testing, a fenced line with a comment, a block under a heading about building', () => {
    const agents = [
      '# Agents', //                                                 1
      '',
      'Run the tests with `npm test -- --watch=false` before you push.', // 3: cut after the test word
      '',
      '## Building', //                                              5
      '',
      '```sh',
      'npm ci',
      'npm run build   # the bundle', //                             9
      '```',
    ].join('\n');
    const repo = repoWith({ 'AGENTS.md': agents, 'package.json': pkg({ test: 'vitest', build: 'tsc' }) });
    expect(detectIn(repo)).toStrictEqual({
      testCommand: { command: 'npm test', reason: 'from AGENTS.md line 3' },
      buildCommand: { command: 'npm run build', reason: 'from AGENTS.md line 9' },
    });
  });

  it('the words around decide: a span on a line about something else, a library named, a span after "not"', () => {
    const claude = [
      'Lint with `npm run lint` and test nothing else.', //  not a test command
      'We use `jest` for testing.', //                      a library: bare, no command
      "Tests: use `bun test`, not `npm test`; don't run `vitest` here.", // 3
      '## Testing',
      '```',
      '# run the whole suite',
      'bun test --coverage', //                              7: under a comment line
      '```',
    ].join('\n');
    const found = detectIn(repoWith({ 'CLAUDE.md': claude }));
    expect(found.testCommand).toEqual({ command: 'bun test', reason: 'from CLAUDE.md line 3' });
    const onlyNegated = detectIn(repoWith({ 'CLAUDE.md': "For tests don't use `npm test` or `pytest`.\n" }));
    expect(onlyNegated).toEqual({});
  });

  it('only plain commands of a known runner: chains, variables, quotes, assignments, installs and deletions are passed over', () => {
    const contributing = [
      '## Testing',
      '```',
      'cd app && make test',
      'TESTPATH=tests/x.py tox -e py',
      'pip install pytest',
      'uv sync --extra test',
      '$RUNNER test',
      '${{ matrix.cargo }} test',
      '"npm" test',
      'npx playwright test',
      'npm\u001b[2K test',
      'test -f setup.cfg',
      '```',
      '## Building',
      '```',
      'rm -rf build',
      'docker build .',
      'mkdir build',
      '```',
      'Then `make test` runs the tests.', // 20
    ].join('\n');
    expect(detectIn(repoWith({ 'CONTRIBUTING.md': contributing }))).toStrictEqual({
      testCommand: { command: 'make test', reason: 'from CONTRIBUTING.md line 20' },
    });
  });

  it("the repository's own scripts count, by path or through a shell or interpreter", () => {
    const named = (line: string) =>
      commands(detectIn(repoWith({ 'AGENTS.md': `## Testing and building\n\n\`\`\`\n${line}\n\`\`\`\n` })));
    expect(named('./scripts/test.sh --fast')).toEqual(['./scripts/test.sh', undefined]);
    expect(named('bash run-tests.sh unit')).toEqual(['bash run-tests.sh', undefined]);
    expect(named('python run_tests.py')).toEqual(['python run_tests.py', undefined]);
    expect(named('script/build')).toEqual([undefined, 'script/build']);
    expect(named('test.sh')).toEqual([undefined, undefined]); // not on the PATH: no command as written
  });

  it('the simplest: cut after the word that names the run, then the fewest words, then the shortest', () => {
    const contributing = [
      'Running tests', //                        a setext heading
      '-------------',
      '',
      '- all: `uv run tox -e py312 -- -x`', //   4 → uv run tox
      '- quick: `uv run tox -e py312-fast`', //  5 → uv run tox, as simple but later
      '- one file: `python -m pytest tests/unit`', // 6 → python -m pytest: as many words, longer
    ].join('\n');
    expect(detectIn(repoWith({ 'CONTRIBUTING.md': contributing })).testCommand).toEqual({
      command: 'uv run tox',
      reason: 'from CONTRIBUTING.md line 4',
    });
    const rails = 'Test with `bin/rails test:all` (all) or `bin/rails test` (quick).\n';
    expect(detectIn(repoWith({ 'AGENTS.md': rails })).testCommand?.command).toBe('bin/rails test');
  });

  it('AGENTS.md, then CLAUDE.md, then CONTRIBUTING.md; instructions before CI, CI before build files', () => {
    const repo = repoWith({
      'AGENTS.md': 'Build with `make build`.\n',
      'CLAUDE.md': 'Test with `make test-all`.\n',
      '.github/CONTRIBUTING.md': 'Tests: `make tests`. Build: `make build-all`.\n',
      '.github/workflows/ci.yml': 'jobs:\n  ci:\n    steps:\n      - run: cargo test\n      - run: cargo build\n',
      'Cargo.toml': '[package]\n',
    });
    expect(commands(detectIn(repo))).toEqual(['make test-all', 'make build']);
    rmSync(join(repo, 'AGENTS.md'));
    rmSync(join(repo, 'CLAUDE.md'));
    expect(detectIn(repo)).toStrictEqual({
      testCommand: { command: 'make tests', reason: 'from .github/CONTRIBUTING.md line 1' },
      buildCommand: { command: 'make build-all', reason: 'from .github/CONTRIBUTING.md line 1' },
    });
    rmSync(join(repo, '.github/CONTRIBUTING.md'));
    expect(detectIn(repo)).toStrictEqual({
      testCommand: { command: 'cargo test', reason: 'from .github/workflows/ci.yml line 4' },
      buildCommand: { command: 'cargo build', reason: 'from .github/workflows/ci.yml line 5' },
    });
    rmSync(join(repo, '.github'), { recursive: true });
    expect(commands(detectIn(repo))).toEqual(['cargo test', 'cargo build']);
  });

  it("in a package folder: the folder's own instructions, not the root's, and not the root's CI", () => {
    const repo = repoWith({
      'AGENTS.md': 'Run all tests: `pnpm -r test`.\n',
      '.github/workflows/ci.yml': 'jobs:\n  ci:\n    steps:\n      - run: pnpm test\n',
      'pnpm-lock.yaml': '',
      'packages/a/package.json': pkg({ test: 'vitest' }),
      'packages/b/package.json': pkg({ test: 'vitest' }),
      'packages/b/AGENTS.md': 'For tests run `pnpm run test:unit`.\n',
    });
    expect(detectIn(repo, 'packages/a').testCommand?.command).toBe('pnpm test');
    expect(detectIn(repo, 'packages/a').testCommand?.reason).toMatch(/^package\.json script "test"/);
    expect(detectIn(repo, 'packages/b').testCommand).toEqual({
      command: 'pnpm run test:unit',
      reason: 'from AGENTS.md line 1',
    });
  });

  it('a CMake build a document names is configured first: the command is cmake', () => {
    const repo = repoWith({ 'CONTRIBUTING.md': '## Building\n\n```\ncmake -B build\ncmake --build build\n```\n' });
    expect(detectIn(repo).buildCommand).toEqual({
      command: 'cmake',
      reason:
        'from CONTRIBUTING.md line 5; cmake, so a fresh clone can be configured (cmake -B build), then built (cmake --build build)',
    });
  });
});

describe('detectCommands: what CI runs', () => {
  const workflow = [
    'name: CI', //                                    1
    'on: push',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: Release notes', //                  8: a step named for something else
    '        run: tox -e release-notes',
    '      - name: Install',
    '        run: |',
    '          pip install -e .',
    '          make', //                              13: a bare make installs as often as it builds
    '      - name: Unit tests',
    '        run: |',
    '          # the race detector',
    '          go test \\', //                         17: continued on the next line
    '            -race ./...',
    '      - run: "go build -v ./..."', //            19: unnamed, quoted
    '      - name: Elsewhere',
    '        working-directory: tools',
    '        run: go test',
  ].join('\n');

  it('GitHub run steps, inline and block, continued lines; steps named for something else are passed over', () => {
    const repo = repoWith({ '.github/workflows/ci.yml': workflow, 'go.mod': 'module x\n', Makefile: 'test:\n' });
    expect(detectIn(repo)).toStrictEqual({
      testCommand: { command: 'go test', reason: 'from .github/workflows/ci.yml line 17' },
      buildCommand: { command: 'go build', reason: 'from .github/workflows/ci.yml line 19' },
    });
  });

  it('a step in another working-directory, or a workflow whose defaults move every step, is passed over', () => {
    const moved = `defaults:\n  run:\n    working-directory: web\n${workflow}`;
    const repo = repoWith({ '.github/workflows/ci.yml': moved, 'go.mod': 'module x\n' });
    expect(commands(detectIn(repo))).toEqual(['go test ./...', 'go build ./...']);
    const elsewhere = 'jobs:\n  a:\n    steps:\n      - working-directory: sub\n        run: cargo test\n';
    expect(detectIn(repoWith({ '.github/workflows/ci.yml': elsewhere }))).toEqual({});
  });

  it("GitLab CI: a job's script, named for testing or building by its name or stage; before_script is set-up", () => {
    const gitlab = [
      'stages: [test, build]',
      'unit:',
      '  stage: test',
      '  before_script:',
      '    - npm ci',
      '  script:',
      '    - npm test', //                     7
      'pages:',
      '  script:',
      '  - npm run build', //                  a job named for something else
      'lint:',
      '  stage: lint',
      '  script: make build', //               likewise
      'package:',
      '  stage: build', //                     named for building by its stage
      '  script:',
      '    - |',
      '      cargo build --release', //        18
    ].join('\n');
    expect(detectIn(repoWith({ '.gitlab-ci.yml': gitlab }))).toStrictEqual({
      testCommand: { command: 'npm test', reason: 'from .gitlab-ci.yml line 7' },
      buildCommand: { command: 'cargo build', reason: 'from .gitlab-ci.yml line 18' },
    });
  });

  it('a workflow file whose name is not a plain word is not read (its name would reach the summary)', () => {
    const repo = repoWith({ '.github/workflows/ci\u001b[2K.yml': 'jobs:\n  a:\n    steps:\n      - run: make test\n' });
    expect(detectIn(repo)).toEqual({});
  });

  it('a CI command of the build system the build files did not choose is passed over, and a note names it', () => {
    const repo = repoWith({
      'pom.xml': '<project/>',
      mvnw: '',
      'build.gradle': '',
      gradlew: '',
      '.github/workflows/gradle.yml':
        'jobs:\n  a:\n    steps:\n      - run: ./gradlew test\n      - run: ./gradlew build\n',
      '.github/workflows/maven.yml': 'jobs:\n  a:\n    steps:\n      - run: ./mvnw -B test\n',
    });
    expect(detectIn(repo)).toStrictEqual({
      testCommand: { command: './mvnw -B test', reason: 'from .github/workflows/maven.yml line 4' },
      buildCommand: { command: './mvnw compile', reason: POM_MVNW },
      notes: [
        "build.gradle is here too (Gradle: ./gradlew test, ./gradlew assemble), but Maven's commands were chosen; give --test-command or --build-command to use the other.",
      ],
    });
  });

  it('no note for what a task runner wraps, or for build systems that each give one command', () => {
    expect(detectIn(repoWith({ justfile: 'test:\nbuild:\n', 'Cargo.toml': '' })).notes).toBeUndefined();
    expect(
      detectIn(repoWith({ 'composer.json': '{"scripts":{"test":"x"}}', 'package.json': pkg({ build: 'vite' }) })).notes,
    ).toBeUndefined();
  });
});

/**
 * The reader detection sees, over texts in memory: the checked reader caps a file's size, but the parsers
 * must be linear whatever it lets through, so these tests hand them more than any cap would.
 */
function inMemory(files: Record<string, string>): RepositoryFiles {
  const names = Object.keys(files);
  return {
    read: (path) => files[path],
    isFile: (path) => path in files,
    isFolder: (path) => names.some((name) => name.startsWith(`${path}/`)),
    list: (folder) => names.filter((name) => dirname(name) === (folder || '.')).map((name) => basename(name)),
  };
}

describe('detection runs in linear time on crafted files', () => {
  const MB = 1024 * 1024;
  const K = 1024;
  const nested = Array.from({ length: 2000 }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n');
  const buildFile = (file: string) => (text: string) =>
    detectCommands(inMemory({ [file]: text, 'package.json': pkg({}) }), '');
  // Instructions and CI are scanned up to 1 MiB in all (next test): their scanners are timed on their own.
  const markdown = (text: string) => commandsInMarkdown(text);
  const workflow = (text: string) => classify(githubRunCommands(text));
  const gitlab = (text: string) => classify(gitlabScriptCommands(text));
  /** What made the backtracking patterns take minutes (a Makefile of one word and a million spaces: 18), and more. */
  const crafted: [what: string, detect: (text: string) => unknown, text: string][] = [
    ['a Makefile word and 4 MB of spaces', buildFile('Makefile'), `test${' '.repeat(4 * MB)}`],
    ['… then `:=`', buildFile('Makefile'), `test${' '.repeat(4 * MB)}:=`],
    ['a Makefile line of 4 MB of `:`', buildFile('Makefile'), ':'.repeat(4 * MB)],
    ['a Makefile line of 4 MB of `=`', buildFile('Makefile'), '='.repeat(4 * MB)],
    ['a Makefile word, 4 MB of tabs, a colon', buildFile('Makefile'), `x${'\t'.repeat(4 * MB)}:`],
    ['a Makefile rule of 128 Ki names', buildFile('Makefile'), `${'a b '.repeat(64 * K)}:`],
    ['a justfile word and 4 MB of spaces', buildFile('justfile'), `test${' '.repeat(4 * MB)}`],
    ['… then `:=`', buildFile('justfile'), `test${' '.repeat(4 * MB)}:=`],
    ['a justfile name of 4 MB', buildFile('justfile'), `@${'a'.repeat(4 * MB)}:`],
    ['a justfile line of 4 MB of `:`', buildFile('justfile'), ':'.repeat(4 * MB)],
    ['a pyproject table header and 4 MB of spaces', buildFile('pyproject.toml'), `[tool.${' '.repeat(4 * MB)}`],
    ['a pyproject of 4 MB of `[`', buildFile('pyproject.toml'), '['.repeat(4 * MB)],
    ['a pyproject of 4 MB of newlines, a header', buildFile('pyproject.toml'), `${'\n'.repeat(4 * MB)}[tool.poetry]`],
    ['a pyproject key of 64 Ki dotted parts (parsed)', buildFile('pyproject.toml'), `a${'.a'.repeat(64 * K - 8)} = 1`],
    ['a pyproject of 20 Ki table arrays (parsed)', buildFile('pyproject.toml'), '[[a]]\n'.repeat(20 * K)],
    [
      'a CMakeLists include, 4 MB of spaces, a parenthesis',
      buildFile('CMakeLists.txt'),
      `include${' '.repeat(4 * MB)}(`,
    ],
    ['a CMakeLists of 512 Ki blank lines', buildFile('CMakeLists.txt'), `${' \n'.repeat(512 * K)}x`],
    [
      'a CMakeLists enable_testing and 4 MB of tabs',
      buildFile('CMakeLists.txt'),
      `enable_testing${'\t'.repeat(4 * MB)}`,
    ],
    ['a package.json nested a million deep', buildFile('package.json'), '['.repeat(MB)],
    ['Markdown: 4 MB of backticks', markdown, '`'.repeat(4 * MB)],
    [
      'Markdown: a testing heading over 16 Ki spans on one line',
      markdown,
      `## Testing\n${'`make test` '.repeat(16 * K)}`,
    ],
    [
      'Markdown: a 5 MB heading over 16 Ki lines of spans',
      markdown,
      `# ${'test '.repeat(MB)}\n${'`npm test`\n'.repeat(16 * K)}`,
    ],
    [
      'Markdown: a 5 MB sentence over 16 Ki fenced blocks',
      markdown,
      `${'test '.repeat(MB)}\n\n${'```\nnpm test\n```\n'.repeat(16 * K)}`,
    ],
    ['Markdown: 4 MB of `#`', markdown, '#'.repeat(4 * MB)],
    ['Markdown: a span of a million words', markdown, `Tests: \`${'npm '.repeat(MB)}test\``],
    ['Markdown: a line of 4 MB of spaces and a backtick', markdown, `test${' '.repeat(4 * MB)}\``],
    ['a workflow run key and 4 MB of spaces', workflow, `run:${' '.repeat(4 * MB)}`],
    ['a workflow line of 2 M sequence markers', workflow, '- '.repeat(2 * MB)],
    ['16 Ki run blocks', workflow, `steps:\n${'  - run: |\n      go test \\\n'.repeat(16 * K)}`],
    [
      'a shell line continued 64 Ki times',
      workflow,
      `steps:\n  - run: |\n${'      go \\\n'.repeat(64 * K)}      test\n`,
    ],
    ['64 Ki nested mappings', workflow, 'a:\n  b:\n'.repeat(64 * K)],
    ['mappings 2000 levels deep', workflow, nested],
    [
      'a 2 MB step name over 16 Ki command lines',
      workflow,
      `steps:\n  - name: ${'test '.repeat(MB / 2)}\n    run: |\n${'      make test\n'.repeat(16 * K)}`,
    ],
    ['a workflow line of 4 MB of `:`', workflow, ':'.repeat(4 * MB)],
    ['a GitLab script of 16 Ki items', gitlab, `job:\n  script:\n${'    - make test\n'.repeat(16 * K)}`],
    ['a GitLab script key, 4 MB of spaces, a block', gitlab, `script:${' '.repeat(4 * MB)}|`],
    ['64 Ki GitLab script keys', gitlab, 'script:\n'.repeat(64 * K)],
    [
      'a 1 MB GitLab job name over 16 Ki script items',
      gitlab,
      `${'a'.repeat(MB)}:\n  script:\n${'    - make test\n'.repeat(16 * K)}`,
    ],
  ];
  /**
   * A guard against super-linear work, not a speed claim (that is the benchmark's): linear scans of these inputs
   * take a fraction of a second on a quiet machine, a quadratic one minutes; the bound leaves room for a machine
   * busy with other work (seen: 2 s exceeded at a load average of 22 on 2 cores).
   */
  const LINEAR_BOUND_MS = 15_000;
  it.each(crafted)('%s', (_what, detect, text) => {
    const started = performance.now();
    detect(text);
    expect(performance.now() - started).toBeLessThan(LINEAR_BOUND_MS);
  });

  it('instructions and CI are scanned up to 1 MiB in all: many large files cost a bounded time', () => {
    const files: Record<string, string> = { 'package.json': pkg({}) };
    const padding = `jobs:\n  a:\n    steps:\n${'      - run: echo\n'.repeat(MB / 64)}`;
    for (let n = 10; n < 60; n++) files[`.github/workflows/w${n}.yml`] = padding;
    files['.github/workflows/w10.yml'] += '      - run: make test\n';
    files['.github/workflows/w59.yml'] += '      - run: cargo build\n';
    const started = performance.now();
    expect(commands(detectCommands(inMemory(files), ''))).toEqual(['make test', undefined]);
    expect(performance.now() - started).toBeLessThan(LINEAR_BOUND_MS);
  });

  it('through the repository: a Makefile of one word and four million spaces', () => {
    const repo = repoWith({ Makefile: `test${' '.repeat(4 * MB)}`, 'go.mod': 'module x\n' });
    const started = performance.now();
    expect(commands(detectIn(repo))).toEqual(['go test ./...', 'go build ./...']);
    expect(performance.now() - started).toBeLessThan(LINEAR_BOUND_MS);
  });

  it('a pyproject.toml larger than any real one is not parsed, and the reason says so', () => {
    const large = `[tool.poetry]\n${'# padding\n'.repeat(13 * 1024)}`;
    expect(detectCommands(inMemory({ 'pyproject.toml': large }), '').testCommand).toEqual({
      command: 'pytest',
      reason: 'from pyproject.toml, no lockfile or test runner named (pyproject.toml is too large to parse)',
    });
    expect(detectCommands(inMemory({ 'pyproject.toml': large.slice(0, 128 * 1024) }), '').testCommand?.command).toBe(
      'poetry run pytest',
    );
  });
});
