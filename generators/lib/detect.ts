import { type DetectedCommand, type Found, otherBuildSystems, SOURCES } from './build-files.js';
import { type CommandLine, githubRunCommands, gitlabScriptCommands } from './ci-commands.js';
import { COMMAND_KINDS, type CommandKind, classify, programOf, type StatedCommand } from './command-shape.js';
import { commandsInMarkdown } from './markdown-commands.js';
import { Project, type RepositoryFiles } from './project-files.js';

/**
 * The test and build commands a repository most likely uses, so the pack pre-approves the right commands
 * for background agents (each becomes a `Bash(<command> *)` rule). Each command comes from the first of:
 *
 * 1. the project's own word: a command that AGENTS.md, CLAUDE.md or CONTRIBUTING.md (in the folder; for
 *    CONTRIBUTING.md also `.github/` and `docs/`) names for testing or building (markdown-commands.ts): the
 *    first of these files that names one, the simplest it names;
 * 2. what its CI runs, when the pack goes at the repository root, where CI runs: the `run:` steps of
 *    `.github/workflows/*.yml` and the `script:` of `.gitlab-ci.yml` (ci-commands.ts): the simplest;
 * 3. its build files (build-files.ts), each command from the first in their order that has one.
 *
 * Why this order: the project's instructions say how it wants its tests run (sentry-python's AGENTS.md: tox,
 * not pytest directly), and its CI shows what it really runs; build files only say what usually works. The
 * simplest is the one with the fewest words, since the command is a rule's prefix: `uv run tox` allows every
 * `uv run tox -e <env>` (command-shape.ts cuts what follows the word that names the test run).
 *
 * When the build files name two build systems (spring-petclinic: Maven and Gradle), the first one's
 * commands are taken, a note names the other, and CI commands that run the other are passed over.
 *
 * A CMake build needs a configure step (`cmake -B build`) before `cmake --build build` works in a fresh
 * clone, and no plain command does both: whatever names a CMake build, the build command is `cmake`, whose
 * rule `Bash(cmake *)` covers both steps; the tests (`ctest --test-dir build`) run once they are built.
 *
 * The repository is untrusted input: every file is read through the repository's checked reader
 * (project-files.ts), and every parser runs in time linear in the file's size. Commands are plain words only
 * (no shell operators, quotes, globs or expansions) because each becomes a permission rule; reasons name
 * only fixed file names or plain ones.
 */

export interface Detection {
  testCommand?: DetectedCommand;
  buildCommand?: DetectedCommand;
  /** What the summary should say besides, e.g. a second build system whose commands were not chosen. */
  notes?: string[];
}

/**
 * `files`: the repository (rooted at its root: the git root, else the folder itself), which bounds every
 * read and every upward search; `folder`: where the pack goes, relative to that root (`''`: the root).
 */
export function detectCommands(files: RepositoryFiles, folder: string): Detection {
  const project = new Project(files, folder);
  const found = SOURCES.map((source) => source(project)).filter((f): f is Found => f !== undefined);
  const fromBuildFiles = { test: found.find((f) => f.test), build: found.find((f) => f.build) };
  const others = otherBuildSystems(found, [fromBuildFiles.test, fromBuildFiles.build]);
  const stated = statedCommands(project, others.programs);
  const test = stated.test ?? fromBuildFiles.test?.test;
  const build = withConfigureStep(stated.build ?? fromBuildFiles.build?.build);
  return {
    ...(test && { testCommand: test }),
    ...(build && { buildCommand: build }),
    ...(others.notes.length > 0 && { notes: others.notes }),
  };
}

// ---------------------------------------------------------------------------------------------
// The project's own word: its instructions, then its CI.

/** Read in this order; the first that names a command for testing (building) gives it. */
const INSTRUCTIONS = ['AGENTS.md', 'CLAUDE.md', 'CONTRIBUTING.md', '.github/CONTRIBUTING.md', 'docs/CONTRIBUTING.md'];
/** Workflow files with plain names only (they appear in the reason), and a bounded number of them. */
const WORKFLOW_NAME = /^[A-Za-z0-9_.-]+\.ya?ml$/;
const MAX_WORKFLOWS = 50;
/**
 * At most this much instruction and CI text is scanned in all (sentry-python's 25 workflows and AGENTS.md: 100 KiB): every
 * scanner is linear, and this bounds what a repository planting many large files can cost, whatever the size
 * the checked reader lets through. What is over it is not scanned.
 */
const MAX_SCANNED = 1024 * 1024;

type Chosen = Partial<Record<CommandKind, DetectedCommand>>;
type Located = StatedCommand & { file: string };

/**
 * Commands from instructions, else from CI; a CI command run by a build system the build files did not
 * choose (`avoid`: spring-petclinic's CI builds with both Maven and Gradle) is left to the note about it.
 */
function statedCommands(project: Project, avoid: ReadonlySet<string>): Chosen {
  let budget = MAX_SCANNED;
  const scan = (file: string, commandsIn: (text: string) => StatedCommand[]): Located[] => {
    const text = budget > 0 ? project.read(file) : undefined;
    if (text === undefined) return [];
    budget -= text.length;
    return budget < 0 ? [] : commandsIn(text).map((command) => ({ ...command, file }));
  };
  const chosen: Chosen = {};
  for (const file of INSTRUCTIONS) {
    if (chosen.test && chosen.build) return chosen;
    const stated = scan(file, commandsInMarkdown);
    for (const kind of COMMAND_KINDS) chosen[kind] ??= simplest(stated, kind);
  }
  // CI runs at the repository root: its commands are no guide for a package folder.
  if (project.folder !== '') return chosen;
  const ci = ciConfigurations(project)
    .flatMap(([file, lines]) => scan(file, (text) => classify(lines(text))))
    .filter((stated) => !avoid.has(programOf(stated.command)));
  for (const kind of COMMAND_KINDS) chosen[kind] ??= simplest(ci, kind);
  return chosen;
}

/** The CI files and how to read their command lines: the workflows by name, then GitLab's. */
function ciConfigurations(project: Project): [string, (text: string) => CommandLine[]][] {
  const workflows = project.fileNames(WORKFLOW_NAME, '.github/workflows').slice(0, MAX_WORKFLOWS);
  return [
    ...workflows.map((name): [string, (text: string) => CommandLine[]] => [
      `.github/workflows/${name}`,
      githubRunCommands,
    ]),
    ['.gitlab-ci.yml', gitlabScriptCommands],
  ];
}

/**
 * The simplest: the fewest words (the widest rule that still names the tool), then the shortest (`bin/rails
 * test` before `bin/rails test:all`), then the first.
 */
function simplest(candidates: readonly Located[], kind: CommandKind): DetectedCommand | undefined {
  let best: Located | undefined;
  for (const candidate of candidates) {
    if (candidate.kind === kind && (!best || simpler(candidate.command, best.command))) best = candidate;
  }
  return best && { command: best.command, reason: `from ${best.file} line ${best.line}` };
}

function simpler(a: string, b: string): boolean {
  const words = a.split(' ').length - b.split(' ').length;
  return words < 0 || (words === 0 && a.length < b.length);
}

/** CMake builds need configuring first: `cmake` (its rule covers `cmake -B build` and `cmake --build build`). */
function withConfigureStep(build: DetectedCommand | undefined): DetectedCommand | undefined {
  if (!build || programOf(build.command) !== 'cmake' || build.command === 'cmake') return build;
  return {
    command: 'cmake',
    reason: `${build.reason}; cmake, so a fresh clone can be configured (cmake -B build), then built (cmake --build build)`,
  };
}
