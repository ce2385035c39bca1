import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, packageVersion, packRoot } from '../../generators/io/paths.js';
import { packFiles } from '../../generators/io/releases.js';
import { packTemplates, pluginSources } from '../../generators/io/templates.js';
import { DEFAULT_ANSWERS, SETTINGS_PATH, SPAWNED_ROLES, selectedPaths } from '../../generators/lib/catalogue.js';
import { AiPackError } from '../../generators/lib/errors.js';
import { parseFrontmatter } from '../../generators/lib/frontmatter.js';
import { packSettings } from '../../generators/lib/pack-settings.js';
import {
  MARKETPLACE_NAME,
  MARKETPLACE_PATH,
  manifestNameOf,
  namespaceAgent,
  namespaceSkillFile,
  PLUGIN_EDIT_RULE,
  PLUGIN_ID,
  PLUGIN_NAME,
  parseMarketplaceSource,
  pluginFiles,
  pluginProjectSettings,
} from '../../generators/lib/plugin.js';
import { parseSettings, updateSettingsText } from '../../generators/lib/settings.js';

/** The user's settings with the pack's merged in, as the generator does it (text in, text out). */
function mergeSettings(user: object, pack: Record<string, unknown>) {
  const update = updateSettingsText({
    text: `${JSON.stringify(user, null, 2)}\n`,
    file: 'settings.json',
    pack,
    recorded: [],
    declined: [],
  });
  return { settings: JSON.parse(update.text!), added: update.added };
}

const files = pluginFiles(pluginSources());
/** A file of templates/pack/, read here. */
const readPackFile = (path: string) => readFileSync(join(packRoot, path), 'utf8');
const packPaths = Object.keys(packTemplates().files);
const template = parseSettings(readPackFile(SETTINGS_PATH), SETTINGS_PATH);
const toPlugin = (path: string) => path.replace(/^\.claude\//, 'plugin/');

describe('pluginFiles', () => {
  it('holds the marketplace, the plugin manifest and README, every skill, reference and agent of the full pack, and the evals', () => {
    const evals = Object.keys(packFiles(join(packageRoot, 'evals'))).map((path) => `plugin/evals/${path}`);
    const expected = [
      MARKETPLACE_PATH,
      'plugin/.claude-plugin/plugin.json',
      'plugin/README.md',
      ...selectedPaths(DEFAULT_ANSWERS, packPaths).map(toPlugin),
      ...evals,
    ];
    expect(evals).toContain('plugin/evals/fan-out-three-features/case.yaml');
    expect(Object.keys(files)).toStrictEqual(expected.sort());
    expect(Object.keys(files)).toContain('plugin/skills/orchestrator/references/decision-tree.md');
  });

  it('names the plugin ai-pack at the package version, in a marketplace named generator-ai-pack', () => {
    const marketplace = JSON.parse(files[MARKETPLACE_PATH]);
    const plugin = JSON.parse(files['plugin/.claude-plugin/plugin.json']);
    expect(marketplace).toMatchObject({ name: MARKETPLACE_NAME, owner: { name: expect.any(String) } });
    expect(marketplace.plugins).toStrictEqual([
      expect.objectContaining({ name: PLUGIN_NAME, source: './plugin', version: packageVersion }),
    ]);
    expect(plugin).toMatchObject({ name: PLUGIN_NAME, version: packageVersion, license: 'MIT' });
    expect(PLUGIN_ID).toBe('ai-pack@generator-ai-pack');
  });

  it('changes nothing in the templates but the agent names: taking out "ai-pack:" gives every template back', () => {
    for (const path of selectedPaths(DEFAULT_ANSWERS, packPaths)) {
      expect(files[toPlugin(path)].replaceAll(`${PLUGIN_NAME}:`, ''), path).toBe(readPackFile(path));
    }
  });

  it('spawns the plugin agents by their plugin names, and none by a bare role name', () => {
    const skillText = Object.entries(files)
      .filter(([path]) => path.startsWith('plugin/skills/'))
      .map(([, text]) => text)
      .join('\n');
    for (const role of SPAWNED_ROLES) {
      expect(skillText).toContain(`subagent_type: "ai-pack:${role}"`);
      expect(skillText).not.toContain(`subagent_type: "${role}"`);
    }
  });

  it('each agent preloads its skill by the plugin name', () => {
    for (const role of SPAWNED_ROLES) {
      const path = `plugin/agents/${role}.md`;
      expect(parseFrontmatter(files[path], path).data.skills).toStrictEqual([`ai-pack:${role}`]);
    }
  });

  it('the README shows the settings a project needs, exactly as pluginProjectSettings makes them', () => {
    const shown = /```json\n([\s\S]*?)\n```/.exec(files['plugin/README.md'])?.[1];
    expect(JSON.parse(shown ?? 'null')).toStrictEqual(
      pluginProjectSettings(template, DEFAULT_ANSWERS, { source: 'github', repo: 'OWNER/generator-ai-pack' }),
    );
  });
});

describe('namespaceSkillFile', () => {
  it('rewrites the forms an Agent call may take: double or single quotes, a quoted key, =', () => {
    const text = [
      'Agent(subagent_type: "engineer", description: "x")',
      "Agent(subagent_type: 'tester')",
      '{ "subagent_type": "reviewer" }',
      'Agent(subagent_type="engineer")',
      'Agent(subagent_type: "general-purpose")',
    ].join('\n');
    expect(namespaceSkillFile(text, 'x.md').split('\n')).toStrictEqual([
      'Agent(subagent_type: "ai-pack:engineer", description: "x")',
      "Agent(subagent_type: 'ai-pack:tester')",
      '{ "subagent_type": "ai-pack:reviewer" }',
      'Agent(subagent_type="ai-pack:engineer")',
      'Agent(subagent_type: "general-purpose")',
    ]);
  });

  it('rewrites roles in code font on a line about subagent_type, and only there', () => {
    const text = '`engineer` and `tester` work as `subagent_type`\nFollow the `engineer` skill.\n';
    expect(namespaceSkillFile(text, 'x.md')).toBe(
      '`ai-pack:engineer` and `ai-pack:tester` work as `subagent_type`\nFollow the `engineer` skill.\n',
    );
  });

  it('throws on a spawn it does not know how to rewrite, naming the file', () => {
    expect(() => namespaceSkillFile('Agent(subagent_type: engineer)', 'skills/x/SKILL.md')).toThrow(
      /skills\/x\/SKILL\.md: "subagent_type: engineer"/,
    );
    expect(() => namespaceSkillFile('subagent_type => tester', 'y.md')).toThrow(/y\.md/);
  });

  it("throws when the orchestrator's reference for Claude Code has no Agent call to rewrite (the templates drifted)", () => {
    expect(() =>
      namespaceSkillFile('# Claude Code\nLaunch agents.\n', '.claude/skills/orchestrator/references/claude-code.md'),
    ).toThrow(/no Agent call/);
    expect(namespaceSkillFile('# Tester\n', '.claude/skills/tester/SKILL.md')).toBe('# Tester\n');
  });
});

describe('namespaceAgent', () => {
  const agent = (skills: string) =>
    `---\nname: engineer\ndescription: Builds.\n${skills}model: inherit\n---\n\nFollow the engineer skill.\n`;

  it('rewrites only the skills list, quoted items too', () => {
    expect(namespaceAgent(agent('skills:\n  - engineer\n  - "tester"\n'), 'a.md')).toBe(
      agent('skills:\n  - ai-pack:engineer\n  - ai-pack:tester\n'),
    );
  });

  it('throws when the agent preloads no skill', () => {
    expect(() => namespaceAgent(agent(''), '.claude/agents/engineer.md')).toThrow(
      /engineer\.md: expected a "skills:" list/,
    );
  });
});

describe('pluginProjectSettings', () => {
  const github = parseMarketplaceSource('acme/generator-ai-pack');

  it("is the pack's settings for the chosen commands, edits allowed in worktrees, the marketplace and the enabled plugin", () => {
    const answers = { testCommand: 'pytest', buildCommand: '' };
    const pack = packSettings(template, answers);
    expect(pluginProjectSettings(template, answers, github)).toStrictEqual({
      ...pack,
      permissions: { ...(pack.permissions as object), allow: ['Bash(pytest *)', PLUGIN_EDIT_RULE] },
      extraKnownMarketplaces: { 'generator-ai-pack': { source: { source: 'github', repo: 'acme/generator-ai-pack' } } },
      enabledPlugins: { 'ai-pack@generator-ai-pack': true },
    });
    // The client ignores permissionMode in a plugin's agents: this rule is what lets them edit, in worktrees only.
    expect(PLUGIN_EDIT_RULE).toBe('Edit(/.claude/worktrees/**)');
    expect(pluginProjectSettings(template, answers, github).worktree).toStrictEqual({ baseRef: 'head' });
  });

  it('merges politely into settings a team already has, and a second merge adds nothing', () => {
    const user = {
      permissions: { allow: ['Bash(make lint)'] },
      enabledPlugins: { 'other@elsewhere': true, 'ai-pack@generator-ai-pack': false },
      extraKnownMarketplaces: { elsewhere: { source: { source: 'github', repo: 'x/y' } } },
    };
    const { settings, added } = mergeSettings(user, pluginProjectSettings(template, DEFAULT_ANSWERS, github));
    // The team's own choice (the plugin switched off) wins; its other entries stay.
    expect(settings.enabledPlugins).toStrictEqual({ 'other@elsewhere': true, 'ai-pack@generator-ai-pack': false });
    expect(Object.keys(settings.extraKnownMarketplaces as object)).toStrictEqual(['elsewhere', 'generator-ai-pack']);
    expect((settings.permissions as { allow: string[] }).allow[0]).toBe('Bash(make lint)');
    expect(added.length).toBeGreaterThan(0);
    expect(mergeSettings(settings, pluginProjectSettings(template, DEFAULT_ANSWERS, github)).added).toStrictEqual([]);
  });
});

describe('parseMarketplaceSource', () => {
  it('reads a GitHub repository, a git URL and an absolute folder', () => {
    expect(parseMarketplaceSource(' acme/generator-ai-pack ')).toStrictEqual({
      source: 'github',
      repo: 'acme/generator-ai-pack',
    });
    expect(parseMarketplaceSource('https://git.example.com/acme/pack.git')).toStrictEqual({
      source: 'git',
      url: 'https://git.example.com/acme/pack.git',
    });
    expect(parseMarketplaceSource('git@example.com:acme/pack.git')).toStrictEqual({
      source: 'git',
      url: 'git@example.com:acme/pack.git',
    });
    expect(parseMarketplaceSource('/srv/marketplaces/ai-pack')).toStrictEqual({
      source: 'directory',
      path: '/srv/marketplaces/ai-pack',
    });
  });

  it('refuses anything else with a message saying what to give', () => {
    expect(() => parseMarketplaceSource('relative/folder/path')).toThrow(AiPackError);
    expect(() => parseMarketplaceSource('')).toThrow(
      /GitHub repository \(owner\/generator-ai-pack\), a git URL, or an absolute folder path/,
    );
  });
});

describe('manifestNameOf', () => {
  it('reads the name, or undefined for a file that is not a manifest', () => {
    expect(manifestNameOf('{"name": "other-market"}')).toBe('other-market');
    expect(manifestNameOf('{"name": 5}')).toBeUndefined();
    expect(manifestNameOf('not json')).toBeUndefined();
  });
});
