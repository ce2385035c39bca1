/**
 * What the `generator-ai-pack` command does, as a function: generators/cli.ts calls it with the
 * command line, and the tests call it in-process (test/helpers/in-process.ts) with the same words.
 *
 *   generator-ai-pack [options]            → ai-pack:app (install or update the pack)
 *   generator-ai-pack <sub> [options]      → ai-pack:<sub>, e.g. status, uninstall
 *
 * It runs the generators through yeoman-environment directly, so `npx generator-ai-pack` needs no
 * global `yo` and skips yo's lookup of every installed generator. Errors are reported, never thrown:
 * the message goes to stderr and `process.exitCode` is 1.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { nodeRange, packageRoot, packageVersion } from './io/paths.js';
import { satisfiesRange } from './lib/engines.js';
import { AiPackError, fileSystemProblem } from './lib/errors.js';
import { printable } from './lib/terminal-text.js';

/**
 * The built sub-generators (scripts/build.ts), `<sub>/index.js` each. Found from the package root, not
 * from this module: the bundle puts this module in a chunk shared by the command and the tests.
 */
const generatorsDir = join(packageRoot, 'dist/generators');

/** The sub-generators, each `generators/<name>/index.ts` (the Yeoman layout); `app` is the default. */
const SUB_GENERATORS = ['app', 'status', 'uninstall', 'plugin'];

async function main(argv: string[]): Promise<void> {
  const subs = SUB_GENERATORS;
  if (argv[0] === '--version' || argv[0] === '-V') return void console.log(packageVersion);
  const sub = argv[0] && subs.includes(argv[0]) ? argv[0] : 'app';
  const rest = sub === argv[0] ? argv.slice(1) : argv;
  if (sub === 'app') checkFirstWord(argv[0], subs);
  // Imported only once Node is known to be new enough: yeoman-environment itself needs Node 22.18+.
  const { prepareCommand } = await import('yeoman-environment');
  const command = await prepareCommand({ resolved: join(generatorsDir, sub, 'index.js'), namespace: `ai-pack:${sub}` });
  command.name(sub === 'app' ? 'generator-ai-pack' : `generator-ai-pack ${sub}`);
  tidyEnvironmentOptions(command, sub);
  if (sub === 'app') {
    // Answered above before anything loads; declared here so that --help lists it.
    command.version(packageVersion, '-V, --version', 'Print the version of generator-ai-pack');
    const others = subs.filter((name) => name !== 'app').join('|');
    command.addHelpText('after', `\nSub-generators: generator-ai-pack <${others}> [--help]`);
  }
  await command.parseAsync(rest, { from: 'user' });
}

/** A first word that is neither a sub-generator nor a folder is a typo, not a new folder to install into. */
function checkFirstWord(word: string | undefined, subs: string[]): void {
  if (word === undefined || word.startsWith('-') || existsSync(word)) return;
  const close = subs.filter((sub) => sub !== 'app' && editDistance(word, sub) <= 2);
  const hint =
    close.length > 0
      ? `did you mean ${close.join(' or ')}?`
      : `the sub-commands are ${subs.filter((sub) => sub !== 'app').join(', ')}, or name an existing folder.`;
  throw new AiPackError(`unknown command or folder '${word}'; ${hint} Nothing was written.`);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (const [i, charA] of [...a].entries()) {
    const current = [i + 1];
    for (const [j, charB] of [...b].entries())
      current.push(Math.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (charA === charB ? 0 : 1)));
    previous = current;
  }
  return previous[b.length];
}

/** The Yeoman environment options that do something here, per sub-generator, in words that say what. */
const ENVIRONMENT_OPTIONS: Record<string, Record<string, string>> = {
  app: {
    '--force': 'Replace files you edited, after backing them up to .claude/ai-pack-backup/',
    '--dry-run': 'Show what would change; write nothing',
  },
  status: {},
  uninstall: { '--dry-run': 'Show what would be removed; remove nothing' },
  plugin: { '--dry-run': 'Show what would change; write nothing' },
};
/** Yeoman's environment options, all hidden unless listed above (`--cwd` does not even take a value). */
const ALL_ENVIRONMENT_OPTIONS = new Set([
  '--cwd',
  '--skip-install',
  '--force-install',
  '--skip-cache',
  '--local-config-only',
  '--ask-answered',
  '--force',
  '--dry-run',
  '--whitespace',
  '--bail',
  '--skip-yo-resolve',
]);

/** Keeps `--help` to the options that do something for this sub-generator. */
function tidyEnvironmentOptions(
  command: { options: readonly { long?: string; description: string; hidden: boolean }[] },
  sub: string,
): void {
  const useful = ENVIRONMENT_OPTIONS[sub] ?? {};
  for (const option of command.options) {
    const long = option.long ?? '';
    if (useful[long]) option.description = useful[long];
    else if (ALL_ENVIRONMENT_OPTIONS.has(long)) option.hidden = true;
  }
}

function report(error: unknown): void {
  // Ctrl-C at a question: the prompt library's error reaches here through Yeoman's queue, whatever the generator does.
  if (error instanceof Error && error.name === 'ExitPromptError') {
    console.error('generator-ai-pack: stopped at a question (Ctrl-C); nothing was written.');
    process.exitCode = 130;
    return;
  }
  // Errors the user can act on carry their own message, one line; anything else is a bug worth a stack trace.
  // Either may name a file or value from the repository: its control characters are escaped (lib/terminal-text.ts).
  // A file-system error's Node message already names the path.
  const message =
    error instanceof AiPackError
      ? printable(error.message)
      : error instanceof Error && fileSystemProblem(error)
        ? printable(`${error.message}. Check the permissions and free space of that folder, then run again.`)
        : typeof error === 'string'
          ? printable(error)
          : printable(inspect(error), 'lines');
  console.error(`generator-ai-pack: ${message}`);
  process.exitCode = 1;
}

/** Why the current folder cannot be worked in, when the system cannot even name it; every path is built on it. */
function workingFolderProblem(): string | undefined {
  try {
    process.cwd();
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERANGE' || code === 'ENAMETOOLONG')
      return 'the current folder is nested too deep for this system (its path is longer than PATH_MAX). Run from a folder with a shorter path';
    return `the current folder cannot be used (${(error as Error).message}). Change to another folder and run again`;
  }
}

/** Runs the command line `argv` (the words after the command) in the current folder. */
export async function runCli(argv: string[]): Promise<void> {
  // `npm run ai-pack` runs in this package's folder; work where the user typed the command instead.
  if (process.env.npm_lifecycle_event === 'ai-pack' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  const folderProblem = workingFolderProblem();
  if (folderProblem) return report(`${folderProblem}; nothing was written.`);
  if (!satisfiesRange(process.versions.node, nodeRange)) {
    return report(
      `needs Node ${nodeRange}; this is Node ${process.versions.node}. Install a current Node (e.g. 24 LTS) and run again.`,
    );
  }
  await main(argv).catch(report);
}
