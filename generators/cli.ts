#!/usr/bin/env node
/**
 * The `generator-ai-pack` launcher: runs the generators through yeoman-environment directly, so
 * `npx generator-ai-pack` needs no global `yo` and skips yo's lookup of every installed generator.
 *
 *   generator-ai-pack [options]            → ai-pack:app (install or update the pack)
 *   generator-ai-pack <sub> [options]      → ai-pack:<sub>, e.g. status, uninstall
 */
import { existsSync, readdirSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const generatorsDir = dirname(fileURLToPath(import.meta.url));
const SUPPORTED_NODE = '^22.18.0 || >=24.11.0';

function nodeIsSupported([major, minor]: number[]): boolean {
  return (major === 22 && minor >= 18) || (major === 24 && minor >= 11) || major > 24;
}

/** Sub-generators are the folders beside this file that hold an index.js (the Yeoman layout). */
function subGenerators(): string[] {
  return readdirSync(generatorsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(generatorsDir, entry.name, 'index.js')))
    .map((entry) => entry.name);
}

async function main(argv: string[]): Promise<void> {
  const subs = subGenerators();
  const sub = argv[0] && subs.includes(argv[0]) ? argv[0] : 'app';
  const rest = sub === argv[0] ? argv.slice(1) : argv;
  // Yeoman's modules dominate start-up; Node's on-disk compile cache roughly halves that on later runs.
  module.enableCompileCache?.();
  // Imported only once Node is known to be new enough: yeoman-environment itself needs Node 22.18+.
  const { prepareCommand } = await import('yeoman-environment');
  const command = await prepareCommand({ resolved: join(generatorsDir, sub, 'index.js'), namespace: `ai-pack:${sub}` });
  command.name(sub === 'app' ? 'generator-ai-pack' : `generator-ai-pack ${sub}`);
  tidyEnvironmentOptions(command);
  if (sub === 'app') {
    const others = subs.filter((name) => name !== 'app').join('|');
    command.addHelpText('after', `\nSub-generators: generator-ai-pack <${others}> [--help]`);
  }
  await command.parseAsync(rest, { from: 'user' });
}

/** What the two Yeoman environment options that matter here do; the others do nothing for this pack. */
const ENVIRONMENT_OPTIONS: Record<string, string> = {
  '--force': 'Replace files you edited, after backing them up to .claude/ai-pack-backup/',
  '--dry-run': 'Show what would change; write nothing',
};

/** Keeps `--help` to the options that do something here, in words that say what. */
function tidyEnvironmentOptions(command: { options: readonly { long?: string; description: string; hidden: boolean }[] }): void {
  const generatorOptions = new Set(['--yes', '--help', '--json', '--skills', '--test-command', '--build-command', '--agents', '--claude-md']);
  for (const option of command.options) {
    const described = option.long && ENVIRONMENT_OPTIONS[option.long];
    if (described) option.description = described;
    else if (!generatorOptions.has(option.long ?? '')) option.hidden = true;
  }
}

/** File-system refusals the user can fix; their Node message already names the path. */
const FILE_SYSTEM_REFUSALS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC']);

function report(error: unknown): void {
  // Errors the user can act on carry their own message; anything else is a bug worth a stack trace.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    error instanceof Error && error.name === 'AiPackError'
      ? error.message
      : error instanceof Error && code && FILE_SYSTEM_REFUSALS.has(code)
        ? `${error.message}. Check the permissions and free space of that folder, then run again.`
        : error;
  console.error('generator-ai-pack:', message);
  process.exitCode = 1;
}

// `npm run ai-pack` runs in this package's folder; work where the user typed the command instead.
if (process.env.npm_lifecycle_event === 'ai-pack' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const version = process.versions.node.split('.').map(Number);
if (nodeIsSupported(version)) {
  main(process.argv.slice(2)).catch(report);
} else {
  report(`needs Node ${SUPPORTED_NODE}; this is Node ${process.versions.node}. Install a current Node (e.g. 24 LTS) and run again.`);
}
