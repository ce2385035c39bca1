import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Detection, detectCommands } from '../../generators/lib/detect.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/projects');

type Expected = { folder?: string; test?: string; build?: string; ecosystem?: string; reason?: string };

/** Real repository layouts (see test/fixtures/projects/README.md); `folder` is where the generator runs, the fixture is the repository root. */
const FIXTURES: Record<string, Expected[]> = {
  'maven-gson': [
    { test: 'mvn test', build: 'mvn compile', ecosystem: 'Maven', reason: 'from pom.xml (no ./mvnw)' },
    { folder: 'gson', test: 'mvn test', build: 'mvn compile', ecosystem: 'Maven', reason: 'from pom.xml (no ./mvnw)' },
  ],
  'maven-petclinic': [
    { test: './mvnw test', build: './mvnw compile', ecosystem: 'Maven', reason: 'from pom.xml and ./mvnw' },
  ],
  'gradle-okhttp': [
    {
      test: './gradlew test',
      build: './gradlew assemble',
      ecosystem: 'Gradle',
      reason: 'from build.gradle.kts and ./gradlew',
    },
    {
      folder: 'okhttp',
      test: '../gradlew test',
      build: '../gradlew assemble',
      ecosystem: 'Gradle',
      reason: 'from build.gradle.kts and ../gradlew',
    },
  ],
  'pnpm-vite': [
    {
      test: 'pnpm test',
      build: 'pnpm run build',
      ecosystem: 'pnpm',
      reason: 'package.json script "test" (pnpm, "packageManager" in package.json)',
    },
    {
      folder: 'packages/vite',
      test: 'pnpm -w test',
      build: 'pnpm run build',
      ecosystem: 'pnpm',
      reason:
        'script "test" of the workspace root ../../package.json (pnpm, "packageManager" in package.json at the workspace root ../..)',
    },
  ],
  'yarn-jest': [
    {
      test: 'yarn test',
      build: 'yarn run build',
      ecosystem: 'yarn',
      reason: 'package.json script "test" (yarn, "packageManager" in package.json)',
    },
    // No scripts of its own, and yarn 1 and berry differ on running the root's: nothing to approve.
    { folder: 'packages/jest-cli' },
  ],
  'bun-hono': [
    {
      test: 'bun run test',
      build: 'bun run build',
      ecosystem: 'bun',
      reason: 'package.json script "test" (bun, "packageManager" in package.json)',
    },
  ],
  laravel: [
    { test: 'composer test', build: 'npm run build', ecosystem: 'Composer', reason: 'composer.json script "test"' },
  ],
  'rails-rubygems': [{ test: 'bin/rails test', ecosystem: 'Bundler', reason: 'from bin/rails (a Rails app)' }],
  'uv-flask': [{ test: 'uv run pytest', ecosystem: 'uv', reason: 'from uv.lock' }],
  'tox-uv-pytest': [{ test: 'uv run pytest', ecosystem: 'uv', reason: 'from uv.lock' }],
  poetry: [{ test: 'poetry run pytest', ecosystem: 'Poetry', reason: 'from poetry.lock' }],
  hatch: [{ test: 'hatch test', ecosystem: 'Hatch', reason: 'from hatch.toml' }],
  'nox-pip': [{ test: 'nox', ecosystem: 'nox', reason: 'from noxfile.py' }],
  'rspec-core': [{ test: 'bundle exec rspec', ecosystem: 'Bundler', reason: 'from Gemfile and .rspec' }],
  'make-requests': [{ test: 'make test', ecosystem: 'Make', reason: 'Makefile target "test"' }],
  cobra: [{ test: 'make test', build: 'go build ./...', ecosystem: 'Make', reason: 'Makefile target "test"' }],
  just: [{ test: 'just test', build: 'just build', ecosystem: 'just', reason: 'justfile recipe "test"' }],
  'cargo-ripgrep': [
    { test: 'cargo test', build: 'cargo build', ecosystem: 'Cargo', reason: 'from Cargo.toml' },
    {
      folder: 'crates/ignore',
      test: 'cargo test',
      build: 'cargo build',
      ecosystem: 'Cargo',
      reason: 'from Cargo.toml',
    },
  ],
  'dotnet-newtonsoft': [
    {
      folder: 'Src',
      test: 'dotnet test',
      build: 'dotnet build',
      ecosystem: '.NET',
      reason: 'from Newtonsoft.Json.slnx',
    },
  ],
  'swift-argument-parser': [
    { test: 'swift test', build: 'swift build', ecosystem: 'Swift', reason: 'from Package.swift' },
  ],
  'elixir-plug': [{ test: 'mix test', build: 'mix compile', ecosystem: 'Mix', reason: 'from mix.exs' }],
  'cmake-fmt': [
    {
      test: 'ctest --test-dir build',
      build: 'cmake --build build',
      ecosystem: 'CMake',
      reason: 'from CMakeLists.txt (CTest enabled)',
    },
  ],
};

/** What a command may contain, since it becomes a `Bash(<command> *)` rule. */
const UNSAFE = /[;&|><`$*'"\\\n]/;

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
    const root = join(fixtures, name);
    const detection = detectCommands(join(root, expected.folder ?? ''), root);
    expect(detection.testCommand?.command).toBe(expected.test);
    expect(detection.buildCommand?.command).toBe(expected.build);
    expect(detection.ecosystem).toBe(expected.ecosystem);
    expect(detection.testCommand?.reason ?? detection.buildCommand?.reason).toBe(expected.reason);
    for (const command of [detection.testCommand, detection.buildCommand])
      expect(command?.command ?? '').not.toMatch(UNSAFE);
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

/** Detection in a folder that is its repository's root. */
const detectIn = (repo: string) => detectCommands(repo, repo);
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
    expect(detectCommands(repo, repo).testCommand).toEqual({
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
    const detection = detectCommands(join(repo, 'packages/a'), repo);
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
    expect(detectCommands(join(pnpm, 'pkgs/a'), pnpm).testCommand?.reason).toBe(
      'package.json script "test" (pnpm, from pnpm-workspace.yaml at the workspace root ../..)',
    );
    const yarn = repoWith({
      'package.json': pkg({ test: 'jest' }, { workspaces: ['pkgs/*'] }),
      'yarn.lock': '',
      'pkgs/a/package.json': pkg({ build: 'tsc' }),
    });
    expect(commands(detectCommands(join(yarn, 'pkgs/a'), yarn))).toEqual([undefined, 'yarn run build']);
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
    expect(detectCommands(join(uv, 'pkgs/a'), uv).testCommand).toEqual({
      command: 'uv run pytest',
      reason: 'from uv.lock at the workspace root ../..',
    });
    expect(detectIn(repoWith({ 'pyproject.toml': '[tool.poetry]\nname = "x"\n' })).testCommand?.command).toBe(
      'poetry run pytest',
    );
    expect(detectIn(repoWith({ 'pyproject.toml': '[tool.tox]\n' })).testCommand?.command).toBe('tox');
    expect(detectIn(repoWith({ 'noxfile.py': '', 'pyproject.toml': '' })).testCommand?.command).toBe('nox');
    expect(detectIn(repoWith({ 'setup.py': '' }))).toEqual({
      testCommand: { command: 'pytest', reason: 'from setup.py, no lockfile or test runner named' },
      ecosystem: 'pytest',
    });
  });

  it('Ruby with RSpec, PHP with phpunit only, .NET with several projects, CMake without CTest', () => {
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
    expect(commands(detectIn(repoWith({ 'CMakeLists.txt': 'project(x)\n' })))).toEqual([
      undefined,
      'cmake --build build',
    ]);
  });

  it('nothing recognisable: no command at all', () => {
    expect(detectIn(repoWith({ 'README.md': '# x' }))).toEqual({});
    expect(detectIn(join(tmpdir(), 'ai-pack-detect-missing-folder'))).toEqual({});
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
    expect(detectCommands(repo, repo).testCommand).toEqual({
      command: 'npm test',
      reason: 'package.json script "test" (npm, no lockfile)',
    });
    // A folder outside the root it is given is its own root.
    expect(detectCommands(repo, join(outer, 'elsewhere')).testCommand?.command).toBe('npm test');
    rmSync(join(repo, 'package.json'));
    expect(commands(detectCommands(repo, repo))).toEqual(['mvn test', 'mvn compile']);
  });

  it('ignores a symlinked package.json or wrapper that points out of the repository', () => {
    const outside = repoWith({ 'package.json': pkg({ test: 'steal' }), mvnw: '' });
    const repo = repoWith({ 'pom.xml': '<project/>' });
    symlinkSync(join(outside, 'package.json'), join(repo, 'package.json'));
    symlinkSync(join(outside, 'mvnw'), join(repo, 'mvnw'));
    expect(commands(detectCommands(repo, repo))).toEqual(['mvn test', 'mvn compile']);
  });

  it('follows a symlink that stays inside the repository', () => {
    const repo = repoWith({ 'shared/package.json': pkg({ test: 'x' }) });
    mkdirSync(join(repo, 'app'));
    symlinkSync(join(repo, 'shared/package.json'), join(repo, 'app/package.json'));
    expect(detectCommands(join(repo, 'app'), repo).testCommand?.command).toBe('npm test');
  });

  it('a FIFO named package.json, here or at the workspace root, does not block', () => {
    const repo = repoWith({ 'Cargo.toml': '', 'pkg/package.json': pkg({ test: 'x' }) });
    execFileSync('mkfifo', [join(repo, 'package.json'), join(repo, 'composer.json')]);
    expect(commands(detectCommands(repo, repo))).toEqual(['cargo test', 'cargo build']);
    expect(detectCommands(join(repo, 'pkg'), repo).testCommand?.command).toBe('npm test');
  }, 5000);

  it('a malformed package.json still means Node, and the reason says the scripts are assumed', () => {
    const detection = detectIn(repoWith({ 'package.json': '{ not json', 'pnpm-lock.yaml': '' }));
    expect(commands(detection)).toEqual(['pnpm test', 'pnpm run build']);
    expect(detection.testCommand?.reason).toBe(
      'package.json could not be read as JSON; assumed a "test" script (pnpm, from pnpm-lock.yaml)',
    );
  });

  it('an oversized package.json counts as unreadable; a malformed composer.json or pyproject never throws', () => {
    const huge = pkg({ test: 'x' }).replace('}', `,"pad":"${'x'.repeat(1024 * 1024)}"}`);
    expect(detectIn(repoWith({ 'package.json': huge })).testCommand?.reason).toMatch(/could not be read as JSON/);
    expect(detectIn(repoWith({ 'composer.json': '{', artisan: '' })).testCommand).toEqual({
      command: 'php artisan test',
      reason: 'from artisan (a Laravel app) (composer.json could not be read as JSON)',
    });
    expect(detectIn(repoWith({ 'pyproject.toml': '\u0000[[[not toml', 'uv.lock': '' })).testCommand?.command).toBe(
      'uv run pytest',
    );
    const hugeToml = `[tool.poetry]\n#${'x'.repeat(1024 * 1024)}\n`;
    expect(detectIn(repoWith({ 'pyproject.toml': hugeToml })).testCommand).toEqual({
      command: 'pytest',
      reason: 'from pyproject.toml, no lockfile or test runner named (pyproject.toml could not be read)',
    });
  });
});
