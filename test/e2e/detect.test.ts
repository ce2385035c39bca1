import { cpSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../generators/io/paths.js';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, makeRepo, readTree } from '../helpers/repo.js';

const fixtures = join(packageRoot, 'test/fixtures/projects');

/** A repository holding a real project's files (test/fixtures/projects/<name>). */
function fixtureRepo(name: string): string {
  const repo = makeRepo();
  cpSync(join(fixtures, name), repo, { recursive: true, verbatimSymlinks: true });
  return repo;
}

describe('command detection in the generator', () => {
  it("the summary and --dry-run name the project's own word as the source, file and line", async () => {
    const repo = fixtureRepo('agents-sentry-python');
    const before = readTree(repo);
    const run = await runInProcess(repo, ['--yes', '--dry-run']);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toMatch(/approved\s+test command "uv run tox" \(detected: from AGENTS\.md line 12\)/);
    expect(run.stdout).toMatch(
      /approved\s+build command "uv build" \(detected: from \.github\/workflows\/ci\.yml line 57\)/,
    );
    expect(readTree(repo)).toStrictEqual(before);
  });

  it('a second build system is named in a warning; a CMake build is approved as cmake, configure step included', async () => {
    const petclinic = await runInProcess(fixtureRepo('maven-petclinic'), ['--yes', '--dry-run']);
    expect(petclinic.status, petclinic.output).toBe(0);
    expect(petclinic.stdout).toMatch(/approved\s+test command "\.\/mvnw test"/);
    expect(petclinic.stderr).toContain(
      "warning: build.gradle is here too (Gradle: ./gradlew test, ./gradlew assemble), but Maven's commands were chosen",
    );
    const fmt = await runInProcess(fixtureRepo('cmake-fmt'), ['--yes']);
    expect(fmt.status, fmt.output).toBe(0);
    expect(fmt.stdout).toMatch(
      /approved\s+build command "cmake" \(detected: from CMakeLists\.txt; cmake, so a fresh clone/,
    );
  });

  it('with both commands given, detection reads nothing (access times stay as they were)', async (context) => {
    const read = ['AGENTS.md', '.github/workflows/ci.yml', 'Makefile', 'pyproject.toml', 'CMakeLists.txt'];
    const repo = makeRepo({
      'AGENTS.md': 'Run the tests with `make test`.\n',
      '.github/workflows/ci.yml': 'jobs:\n  a:\n    steps:\n      - run: make build\n',
      Makefile: 'test:\nbuild:\n',
      'pyproject.toml': '[project]\nname = "x"\n',
      'CMakeLists.txt': 'project(x)\n',
    });
    const past = new Date('2001-01-01T00:00:00Z');
    // An access time older than the file's change time: reading the file moves it on (relatime, strictatime).
    const age = () => {
      for (const path of read) utimesSync(join(repo, path), past, new Date());
    };
    const accessed = () => read.filter((path) => statSync(join(repo, path)).atimeMs > past.getTime());

    age();
    const detecting = await runInProcess(repo, ['--yes', '--dry-run']);
    expect(detecting.status, detecting.output).toBe(0);
    if (accessed().length === 0) context.skip('this file system does not record reads (noatime)');
    expect(accessed()).toStrictEqual(read);

    age();
    const given = await runInProcess(repo, ['--yes', '--test-command', 'pytest', '--build-command', 'make dist']);
    expect(given.status, given.output).toBe(0);
    expect(given.stdout).toMatch(/approved\s+test command "pytest" \(--test-command\)/);
    expect(accessed()).toStrictEqual([]);
  });

  it('a crafted Makefile (one word, a million spaces; 18 minutes before) costs no time, commands given or not', async () => {
    const repo = makeRepo({ Makefile: `test${' '.repeat(1024 * 1024)}`, 'go.mod': 'module x\n' });
    for (const args of [
      ['--yes', '--dry-run'],
      ['--yes', '--dry-run', '--test-command', 'x', '--build-command', 'y'],
    ]) {
      const run = await runInProcess(repo, args);
      expect(run.status, run.output).toBe(0);
      expect(hasStackTrace(run.output)).toBe(false);
      expect(run.ms).toBeLessThan(10_000);
    }
  });
});
