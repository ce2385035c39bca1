// The pack in the real client: a repository set up as a user's (an `origin` with the pushed history and
// a local commit not pushed yet), the pack in it as a project install or as the installed plugin, and a
// scripted session played through the pinned client. What the orchestrator does is read from the
// orchestrator skill the client loaded (./procedure.ts), so a scenario runs the pack as written.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packRoot } from '../../../generators/io/paths.js';
import { packTemplates, pluginSources } from '../../../generators/io/templates.js';
import { DEFAULT_ANSWERS } from '../../../generators/lib/catalogue.js';
import { PLUGIN_ID, pluginFiles, pluginProjectSettings } from '../../../generators/lib/plugin.js';
import { throwAwayHome } from '../claude.js';
import { tempFolder, writeFiles } from '../repo.js';
import { type ClaudeRun, installPlugin, runClaudeCode, standInEnvironment, trustProject } from './claude-code.js';
import { type Conversation, type RecordedRequest, startStandInModel } from './model.js';

export interface PackInstall {
  name: 'project install' | 'plugin install';
  /** Puts the pack where the client finds it: files in `repo`, or the plugin installed into `home`. */
  install(repo: string, home: string): void;
  /** The text of a pack file as the client loads it, by its path in the project install (`.claude/...`). */
  file(path: string): string;
  /** The name the client knows a pack skill or agent by (`engineer`, `ai-pack:engineer`). */
  named(role: string): string;
}

export const projectInstall: PackInstall = {
  name: 'project install',
  // templates/pack is byte for byte what `--yes` writes into an npm project (the hand-copy test).
  install: (repo) => cpSync(packRoot, repo, { recursive: true }),
  file: (path) => readFileSync(join(packRoot, path), 'utf8'),
  named: (role) => role,
};

/**
 * The marketplace, and a HOME with the plugin installed from it as a user does (marketplace add, plugin
 * install), made once per test file. Each scenario's HOME is a copy: the client's record of the install
 * points into this one, which stays until the file's tests are done (then its folders go, and the next
 * file that asks makes them again: test files may share this module).
 */
let installed: { marketplace: string; home: string } | undefined;
function installedPlugin(): { marketplace: string; home: string } {
  if (!installed || !existsSync(installed.home)) {
    const marketplace = tempFolder('ai-pack-marketplace-');
    writeFiles(marketplace, pluginFiles(pluginSources()));
    const home = throwAwayHome();
    installPlugin(home, marketplace, PLUGIN_ID);
    installed = { marketplace, home };
  }
  return installed;
}

export const pluginInstall: PackInstall = {
  name: 'plugin install',
  install: (repo, home) => {
    const { marketplace, home: template } = installedPlugin();
    cpSync(template, home, { recursive: true });
    // What `generator-ai-pack --plugin-settings <marketplace>` writes, and a team commits.
    const settings = pluginProjectSettings(packTemplates().settings, DEFAULT_ANSWERS, {
      source: 'directory',
      path: marketplace,
    });
    writeFiles(repo, { '.claude/settings.json': `${JSON.stringify(settings, null, 2)}\n` });
  },
  file: (path) => pluginFiles(pluginSources())[path.replace(/^\.claude\//, 'plugin/')]!,
  named: (role) => `ai-pack:${role}`,
};

export interface ScenarioRepo {
  repo: string;
  home: string;
  /** The local commit that `origin` does not have yet. */
  localHead: string;
  git(...args: string[]): string;
}

/** An npm project whose `npm test` runs `node --test` on its tests (nothing to install). */
const PROJECT_FILES: Record<string, string> = {
  'package.json':
    '{ "name": "shop", "private": true, "scripts": { "test": "node --test tests/*.test.js", "build": "node -e 0" } }\n',
  'src/format.js': 'exports.formatCents = (cents) => (cents / 100).toFixed(2);\n',
  'tests/format.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert');\nconst { formatCents } = require('../src/format.js');\ntest('formats cents', () => assert.equal(formatCents(1234), '12.34'));\n",
};
/** The user's latest work: committed, not pushed. An isolated agent must see it. */
export const UNPUSHED_FILE = 'src/money.js';

/**
 * A repository as a user has it: the project and the pack committed and pushed to `origin` (a bare
 * repository beside it), then one more local commit, and the folder trusted in a throw-away HOME.
 */
export function scenarioRepo(install: PackInstall): ScenarioRepo {
  const root = tempFolder('ai-pack-scenario-');
  const repo = join(root, 'repo');
  const home = throwAwayHome();
  const env = standInEnvironment(home);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim();
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  writeFiles(repo, PROJECT_FILES);
  install.install(repo, home);
  git('add', '-A');
  git('commit', '-qm', 'The project, with the pack');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'origin.git')]);
  git('remote', 'add', 'origin', join(root, 'origin.git'));
  git('push', '-q', 'origin', 'main');
  git('remote', 'set-head', 'origin', 'main');
  writeFileSync(join(repo, UNPUSHED_FILE), 'exports.formatMoney = (cents) => `${(cents / 100).toFixed(2)} EUR`;\n');
  git('add', '-A');
  git('commit', '-qm', 'Money formatting (not pushed yet)');
  trustProject(home, repo);
  return { repo, home, localHead: git('rev-parse', 'HEAD'), git };
}

export interface Played {
  run: ClaudeRun;
  requests: RecordedRequest[];
  /** The requests of one conversation of the script, in order. */
  of(conversation: string): RecordedRequest[];
  /** What went wrong in the run: the client's exit, turns the script could not give. [] = played to the end. */
  problems: string[];
}

/** Plays `conversations` through the client in `where.repo`, the main session opened by `prompt`. */
export async function play(
  where: ScenarioRepo,
  prompt: string,
  conversations: Conversation[],
  args: string[] = [],
): Promise<Played> {
  const model = await startStandInModel(conversations);
  try {
    const run = await runClaudeCode(model, prompt, { cwd: where.repo, home: where.home, args, timeoutMs: 100_000 });
    // STAND_IN_DUMP=<folder> keeps what the client sent and printed, one file per run, to read a failure.
    if (process.env.STAND_IN_DUMP) {
      const file = join(process.env.STAND_IN_DUMP, `${prompt.replace(/\W+/g, '-').slice(0, 40)}-${Date.now()}.json`);
      writeFileSync(file, JSON.stringify({ run, requests: model.requests }, null, 1));
    }
    return {
      run,
      requests: model.requests,
      of: (name) => model.requests.filter((request) => request.conversation === name),
      problems: [
        ...(run.status === 0 ? [] : [`the client exited with ${run.status}: ${run.stderr.slice(-2000)}`]),
        ...model.unscripted.map((request) => `the script could not go on: ${request.error}`),
      ],
    };
  } finally {
    await model.close();
  }
}
