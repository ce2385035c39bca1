// The plugin form against the real client, offline, in throw-away HOMEs; and the repository's own
// marketplace against what the generator writes.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import helpers from 'yeoman-test';
import { packageRoot } from '../generators/io/paths.js';
import { packTemplates, pluginSources } from '../generators/io/templates.js';
import { DEFAULT_ANSWERS } from '../generators/lib/catalogue.js';
import { parseFrontmatter } from '../generators/lib/frontmatter.js';
import {
  MARKETPLACE_PATH,
  PLUGIN_ID,
  parseMarketplaceSource,
  pluginFiles,
  pluginProjectSettings,
} from '../generators/lib/plugin.js';
import { updateSettingsText } from '../generators/lib/settings.js';
import { BUDGETS, parsePluginDetails } from './bench/budget.ts';
import { runClaude, throwAwayHome } from './helpers/claude.js';
import { claudeDoctor } from './helpers/conformance.js';
import { runInProcess } from './helpers/in-process.js';
import { makeRepo, mtimes, offline, type RunResult, readTree, writeFiles } from './helpers/repo.js';
import { runClaudeCode } from './helpers/stand-in/claude-code.js';
import { requestText, startStandInModel, WAIT } from './helpers/stand-in/model.js';

/** A temp folder removed when the current test (or, outside a test, the file) is done. */
const temps: string[] = [];
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The marketplace files of a folder: what the plugin generator owns there. */
function marketplaceTree(root: string): Record<string, string> {
  return { ...readTree(root, '.claude-plugin'), ...readTree(root, 'plugin') };
}

describe('generator-ai-pack plugin <dir>', () => {
  let marketplace: string;
  let firstRun: RunResult;
  beforeAll(async () => {
    marketplace = temp('ai-pack-marketplace-');
    firstRun = await runInProcess(packageRoot, ['plugin', marketplace]);
  });

  it('writes the marketplace and says what to run next', () => {
    expect(firstRun.status, firstRun.output).toBe(0);
    expect(firstRun.output).toContain(
      `claude plugin marketplace add ${marketplace}, then claude plugin install ${PLUGIN_ID}`,
    );
  });

  it("equals the repository's own committed marketplace byte for byte (else run `npm run plugin:sync`)", () => {
    expect(marketplaceTree(packageRoot)).toStrictEqual(readTree(marketplace));
  });

  it('passes claude plugin validate --strict, as a marketplace and as a plugin', () => {
    const home = temp('ai-pack-home-');
    for (const dir of [marketplace, join(marketplace, 'plugin')]) {
      const { status, stdout, stderr } = runClaude(['plugin', 'validate', dir, '--strict'], { cwd: marketplace, home });
      expect(status, stdout + stderr).toBe(0);
    }
  });

  it('installs offline with the real client; details list five skills and three agents within the budgets', () => {
    const home = throwAwayHome();
    temps.push(home);
    const claude = (...args: string[]) => {
      // No network at all where the machine allows it: everything comes from the folder.
      const result = runClaude(args, { cwd: home, home, prefix: offline() });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      return result.stdout;
    };
    claude('plugin', 'marketplace', 'add', marketplace);
    claude('plugin', 'install', PLUGIN_ID);
    const details = claude('plugin', 'details', PLUGIN_ID);
    expect(details).toMatch(/Skills \(5\)\s+coordinator, engineer, orchestrator, reviewer, tester/);
    expect(details).toMatch(/Agents \(3\)\s+engineer, reviewer, tester/);
    const figures = parsePluginDetails(details);
    expect(figures.alwaysOn).toBeLessThanOrEqual(BUDGETS.alwaysOn);
    for (const cost of Object.values(figures.skills)) expect(cost.onInvoke).toBeLessThanOrEqual(BUDGETS.skillOnInvoke);
  });

  it('installed with the real client and installed in a project too: the install and status warn; disabled, all is well', async () => {
    const home = throwAwayHome();
    temps.push(home);
    const claude = (...args: string[]) => {
      const result = runClaude(args, { cwd: home, home, prefix: offline() });
      expect(result.status, result.stdout + result.stderr).toBe(0);
    };
    claude('plugin', 'marketplace', 'add', marketplace);
    claude('plugin', 'install', PLUGIN_ID);
    const repo = makeRepo();
    temps.push(repo);
    const env = { HOME: home };
    const install = await runInProcess(repo, ['--yes'], { env });
    expect(install.status, install.output).toBe(0);
    expect(install.stderr).toContain(
      `warning: the ai-pack plugin is enabled (${PLUGIN_ID} in ~/.claude/settings.json)`,
    );
    const status = await runInProcess(repo, ['status'], { env });
    expect(status.status).toBe(1);
    expect(status.output).toMatch(/Claude Code would load both/);
    claude('plugin', 'disable', PLUGIN_ID);
    const disabled = await runInProcess(repo, ['status'], { env });
    expect(disabled.status, disabled.output).toBe(0);
    expect(disabled.output).toMatch(/All is well/);
  });

  it('a second run changes no file and says so', async () => {
    const times = mtimes(marketplace);
    const run = await runInProcess(packageRoot, ['plugin', marketplace]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/already up to date/);
    expect(mtimes(marketplace)).toStrictEqual(times);
  });

  it('refreshes a file of its own plugin that was changed', async () => {
    const copy = temp('ai-pack-marketplace-');
    await runInProcess(packageRoot, ['plugin', copy]);
    writeFileSync(join(copy, 'plugin/agents/tester.md'), 'old\n');
    const run = await runInProcess(packageRoot, ['plugin', copy]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/updated\s+plugin\/agents\/tester\.md/);
    expect(readTree(copy)).toStrictEqual(readTree(marketplace));
  });
});

describe('a folder that holds another marketplace or plugin', () => {
  it.each([
    [
      MARKETPLACE_PATH,
      '{"name": "team-tools", "owner": {"name": "x"}, "plugins": []}',
      /declares the marketplace "team-tools", not "generator-ai-pack"/,
    ],
    ['plugin/.claude-plugin/plugin.json', '{"name": "linter"}', /declares the plugin "linter", not "ai-pack"/],
    [MARKETPLACE_PATH, '{ not json', /declares the marketplace \(unreadable\)/],
  ])('%s %s: refused, exit 1, nothing written', async (path, content, message) => {
    const dir = makeRepo({ [path]: content });
    temps.push(dir);
    const before = readTree(dir);
    const run = await runInProcess(packageRoot, ['plugin', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('nothing was written');
    expect(readTree(dir)).toStrictEqual(before);
  });
});

describe('yo ai-pack:plugin (yeoman-test)', () => {
  it('writes the same files through the Yeoman environment', async () => {
    const result = await helpers.run(join(packageRoot, 'dist/generators/plugin/index.js')).cd(temp('ai-pack-yo-'));
    expect(readTree(result.cwd)).toStrictEqual(marketplaceTree(packageRoot));
  });
});

describe('settings for a project that uses the plugin', () => {
  const source = parseMarketplaceSource('acme/generator-ai-pack');

  it('claude doctor accepts them, alone and merged into settings a team already has', () => {
    const alone = makeRepo({
      '.claude/settings.json': JSON.stringify(
        pluginProjectSettings(packTemplates().settings, DEFAULT_ANSWERS, source),
        null,
        2,
      ),
    });
    const team = { permissions: { allow: ['Bash(make lint)'] }, enabledPlugins: { 'other@elsewhere': true } };
    const pack = pluginProjectSettings(packTemplates().settings, { testCommand: 'pytest', buildCommand: '' }, source);
    const merged = updateSettingsText({
      text: JSON.stringify(team, null, 2),
      file: 'settings.json',
      pack,
      recorded: [],
      declined: [],
    }).text!;
    const existing = makeRepo({ '.claude/settings.json': merged });
    temps.push(alone, existing);
    expect(claudeDoctor(alone)).toBeUndefined();
    expect(claudeDoctor(existing)).toBeUndefined();
  });

  it('claude doctor would catch a wrong shape (the check can fail)', () => {
    const wrong = {
      ...pluginProjectSettings(packTemplates().settings, DEFAULT_ANSWERS, source),
      enabledPlugins: [PLUGIN_ID],
    };
    const repo = makeRepo({ '.claude/settings.json': JSON.stringify(wrong) });
    onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
    expect(claudeDoctor(repo)).toMatch(/enabledPlugins: Expected record/);
  });
});

describe("the plugin's agents in a real client turn (a stand-in API on localhost)", () => {
  const PROJECT_MARKER = 'PROJECT-OWN-ENGINEER-SKILL';
  let plugin: string;
  let project: string;
  let home: string;
  beforeAll(() => {
    const marketplace = temp('ai-pack-marketplace-');
    writeFiles(marketplace, pluginFiles(pluginSources()));
    plugin = join(marketplace, 'plugin');
    // A project with its own `engineer` skill: a bare name in the plugin would reach this one.
    project = makeRepo({
      '.claude/skills/engineer/SKILL.md': `---\nname: engineer\ndescription: The project's engineer.\n---\n${PROJECT_MARKER}\n`,
    });
    temps.push(project);
  });
  beforeEach(() => {
    home = temp('ai-pack-home-');
    writeFileSync(
      join(home, '.claude.json'),
      JSON.stringify({ projects: { [realpathSync(project)]: { hasTrustDialogAccepted: true } } }),
    );
  });

  async function spawnAgent(subagentType: string): Promise<string[]> {
    const launch = { subagent_type: subagentType, description: 'probe', prompt: 'Say done.' };
    // The session launches the agent, then ends once the agent is done (it answers "done", unscripted).
    const model = await startStandInModel([
      { name: 'main', when: 'PLUGIN-PROBE', turns: [[{ tool: 'Agent', input: launch }], () => WAIT] },
    ]);
    try {
      const run = await runClaudeCode(model, 'PLUGIN-PROBE', { cwd: project, home, args: ['--plugin-dir', plugin] });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      return model.requests.map((request) => requestText(request.body));
    } finally {
      await model.close();
    }
  }

  it('subagent_type "ai-pack:engineer" starts the plugin agent, which preloads the plugin skill, not the project one', async () => {
    const skillBody = parseFrontmatter(pluginFiles(pluginSources())['plugin/skills/engineer/SKILL.md']).body;
    const distinctive = skillBody
      .split('\n')
      .reduce((longest, line) => (line.length > longest.length ? line : longest), '');
    const shown = await spawnAgent('ai-pack:engineer');
    expect(shown.some((text) => text.includes(distinctive))).toBe(true);
    expect(shown.some((text) => text.includes(PROJECT_MARKER))).toBe(false);
  });

  it('a bare subagent_type "engineer" is not found in a plugin (why the skills name ai-pack:engineer)', async () => {
    const shown = await spawnAgent('engineer');
    expect(shown.join('\n')).toContain("Agent type 'engineer' not found");
  });
});
