import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { packFiles, readReleases } from '../../generators/io/releases.js';
import { packTemplates, shipped } from '../../generators/io/templates.js';
import { DEFAULT_ANSWERS, ROLES, SPAWNED_ROLES, selectedFiles } from '../../generators/lib/catalogue.js';
import { renderAgent } from '../../generators/lib/clients/agents.js';
import { CLIENTS, clientsSuggestedBy, parseClients } from '../../generators/lib/clients/clients.js';
import { codexRules } from '../../generators/lib/clients/codex-rules.js';
import { planConfigFile, planConfigRemoval } from '../../generators/lib/clients/config-files.js';
import { everyClientFile, everyClientPath, otherClientFiles } from '../../generators/lib/clients/files.js';
import { opencodeConfig, opencodeMayOwn } from '../../generators/lib/clients/opencode-config.js';
import { contentHash } from '../../generators/lib/eol.js';
import { parseFrontmatter } from '../../generators/lib/frontmatter.js';
import { readRecord } from '../../generators/lib/manifest.js';
import { settledRecord } from '../../generators/lib/plan.js';

/** What the pack ships, but no file paths: the records below claim settings only. */
const noPaths = { paths: new Set<string>(), mayOwn: shipped().mayOwn };

const claudeAgent = (role: string) => readFileSync(join(packRoot, `.claude/agents/${role}.md`), 'utf8');

describe('parseClients', () => {
  it('takes a list in any order, with spaces, and returns catalogue order without repeats', () => {
    expect(parseClients(' opencode, claude,codex,claude ')).toStrictEqual(['claude', 'codex', 'opencode']);
    expect(parseClients(['gemini', 'copilot'])).toStrictEqual(['gemini', 'copilot']);
  });

  it('refuses an unknown client, naming the valid ones; Cursor with the reason it is not supported', () => {
    expect(() => parseClients('claude,vim')).toThrow(
      /Unknown client "vim" in --clients\. Valid clients: claude, codex/,
    );
    expect(() => parseClients('cursor')).toThrow(/Cursor is not supported: no build of it can be checked offline/);
    expect(() => parseClients(' , ', '.yo-rc.json')).toThrow(/\.yo-rc\.json names no client/);
  });
});

describe('clientsSuggestedBy', () => {
  it('suggests the clients whose folders or files the repository has, with what was found', () => {
    const present = new Set(['.codex', 'opencode.json', '.github/agents', 'AGENTS.md']);
    expect(clientsSuggestedBy((path) => present.has(path))).toStrictEqual({
      clients: ['codex', 'copilot', 'opencode'],
      signs: ['.codex', '.github/agents', 'opencode.json'],
    });
    expect(clientsSuggestedBy(() => false)).toStrictEqual({ clients: [], signs: [] });
  });
});

describe('renderAgent: one source, each client its own format', () => {
  it('carries the name, description and instructions of the Claude Code agent, and where its skill is', () => {
    for (const role of SPAWNED_ROLES) {
      const source = parseFrontmatter(claudeAgent(role));
      for (const client of ['gemini', 'copilot', 'opencode'] as const) {
        const rendered = parseFrontmatter(renderAgent(client, claudeAgent(role), `${role}.md`));
        expect(rendered.data.description).toBe(source.data.description);
        if (client !== 'opencode') expect(rendered.data.name).toBe(role);
        expect(rendered.body).toContain(source.body.trim());
        expect(rendered.body).toContain(`.agents/skills/${role}/SKILL.md`);
      }
      const toml = renderAgent('codex', claudeAgent(role), `${role}.md`);
      expect(toml).toContain(`name = "${role}"`);
      expect(toml).toContain(`description = ${JSON.stringify(source.data.description)}`);
      expect(toml).toContain(`developer_instructions = '''\n${source.body.trim()}\n`);
    }
  });

  it("keeps the reviewer (no edit or shell tool in Claude Code) from changing files in every client's own terms", () => {
    const reviewer = (client: 'codex' | 'gemini' | 'copilot' | 'opencode') =>
      renderAgent(client, claudeAgent('reviewer'), 'reviewer.md');
    expect(reviewer('codex')).toMatch(/^sandbox_mode = "read-only"$/m);
    expect(parseFrontmatter(reviewer('gemini')).data.tools).toStrictEqual([
      'read_file',
      'read_many_files',
      'grep_search',
      'glob',
      'list_directory',
      'activate_skill',
    ]);
    expect(parseFrontmatter(reviewer('copilot')).data.tools).toStrictEqual(['read', 'search']);
    expect(parseFrontmatter(reviewer('opencode')).data.permission).toStrictEqual({ edit: 'deny', bash: 'deny' });
    for (const client of ['codex', 'gemini', 'copilot', 'opencode'] as const) {
      const engineer = renderAgent(client, claudeAgent('engineer'), 'engineer.md');
      expect(engineer).not.toMatch(/read-only|^tools:|^permission:/m);
    }
  });

  it('refuses instructions a TOML literal string cannot hold, rather than writing a broken role', () => {
    const odd = "---\nname: x\ndescription: d\n---\nSay '''hi'''.\n";
    expect(() => renderAgent('codex', odd, 'x.md')).toThrow(/x\.md: instructions with '''/);
  });
});

describe('codexRules', () => {
  it('one prefix rule per command, its words as the prefix; no file without a command', () => {
    const rules = codexRules({ test: 'npm test', build: 'cargo build --release' })!;
    expect(rules).toContain('pattern = ["npm", "test"],');
    expect(rules).toContain('pattern = ["cargo", "build", "--release"],');
    expect(rules.match(/^prefix_rule\($/gm)).toHaveLength(2);
    expect(codexRules({ test: '', build: 'make' })!.match(/^prefix_rule\($/gm)).toHaveLength(1);
    expect(codexRules({ test: '', build: '' })).toBeUndefined();
  });

  it('escapes what a Starlark string cannot hold as it is', () => {
    expect(codexRules({ test: 'pytest -k "a b" C:\\x', build: '' })).toContain(
      'pattern = ["pytest", "-k", "\\"a", "b\\"", "C:\\\\x"],',
    );
  });
});

describe("OpenCode's opencode.json entries and what a record may claim there", () => {
  it('one allow rule per command, with or without arguments; nothing for no command', () => {
    expect(opencodeConfig({ test: 'npm test', build: 'npm run build' })).toStrictEqual({
      permission: { bash: { 'npm test *': 'allow', 'npm run build *': 'allow' } },
    });
    expect(opencodeConfig({ test: '', build: '' })).toStrictEqual({});
  });

  it('a record may claim a command rule and the empty objects around it; nothing else', () => {
    const value = (keys: string[], value: unknown) => opencodeMayOwn({ kind: 'value', keys, value });
    expect(value(['permission', 'bash', 'uv run pytest *'], 'allow')).toBe(true);
    expect(value(['permission'], {})).toBe(true);
    expect(value(['permission', 'bash'], {})).toBe(true);
    expect(value(['permission', 'bash', '*'], 'allow')).toBe(false);
    expect(value(['permission', 'bash', 'rm -rf / && x *'], 'allow')).toBe(false);
    expect(value(['permission', 'bash', 'npm test *'], 'ask')).toBe(false);
    expect(value(['permission', 'edit'], 'allow')).toBe(false);
    expect(value(['model'], 'x')).toBe(false);
    expect(value(['permission', 'bash'], [])).toBe(false);
    expect(opencodeMayOwn({ kind: 'item', keys: ['permission', 'bash'], value: 'npm test *' })).toBe(false);
  });
});

describe('planConfigFile: a client config merged in place, like settings.json', () => {
  const file = {
    path: 'opencode.json',
    entries: opencodeConfig({ test: 'npm test', build: '' }),
    keptIn: 'opencode.jsonc',
  };
  const none = () => false;

  it("appends the pack's rule in the file's own style and keeps every byte of the user's; uninstall gives them back", () => {
    const user = '{\n\t"model": "x",\n\t"permission": { "bash": { "*": "ask" } }\n}';
    const plan = planConfigFile(file, user, undefined, none);
    expect(plan.text).toBe('{\n\t"model": "x",\n\t"permission": { "bash": { "*": "ask", "npm test *": "allow" } }\n}');
    expect(plan.lines.map((line) => line.kind)).toStrictEqual(['merged']);
    expect(plan.record?.created).toBeUndefined();
    expect(planConfigRemoval('opencode.json', plan.text!, plan.record!).text).toBe(user);
  });

  it('creates the file when there is none, and deletes it again once its entries are all retired', () => {
    const created = planConfigFile(file, undefined, undefined, none);
    expect(JSON.parse(created.text!)).toStrictEqual({ permission: { bash: { 'npm test *': 'allow' } } });
    expect(created.record?.created).toBe(true);
    const retired = planConfigFile({ path: 'opencode.json', entries: {} }, created.text, created.record, none);
    expect(retired).toMatchObject({ text: undefined, remove: true, record: undefined });
    expect(planConfigRemoval('opencode.json', created.text!, created.record!)).toMatchObject({ remove: true });
  });

  it("a rule the user took out stays out (declined); a value of the user's is never replaced", () => {
    const first = planConfigFile(file, '{"permission":{"bash":{"*":"ask"}}}\n', undefined, none);
    const again = planConfigFile(file, '{"permission":{"bash":{"*":"ask"}}}\n', first.record, none);
    expect(again.text).toBeUndefined();
    expect(again.record?.declined).toStrictEqual([{ path: '/permission/bash/npm test *', value: 'allow' }]);
    expect(planConfigFile(file, '{"permission":"ask"}\n', undefined, none)).toMatchObject({ text: undefined });
  });

  it('leaves an opencode.jsonc of the user alone rather than putting a second config beside it, and says so', () => {
    const plan = planConfigFile(file, undefined, undefined, (path) => path === 'opencode.jsonc');
    expect(plan).toMatchObject({ text: undefined, remove: false, record: undefined });
    expect(plan.lines).toStrictEqual([
      { kind: 'no rule', text: expect.stringMatching(/^opencode\.json: your config is opencode\.jsonc.*by hand$/) },
    ]);
  });
});

describe('the install record of client config files', () => {
  const stored = (configs: unknown) => ({ version: '0.3.0', answers: {}, files: {}, settings: [], configs });

  it('keeps what the pack may own there, and reports a claim on any other entry or file', () => {
    const { record, ignored, ignoredSettings } = readRecord(
      stored({
        'opencode.json': {
          settings: [
            { path: '/permission/bash/npm test *', value: 'allow' },
            { path: '/permission/bash/*', value: 'allow' },
            { path: '/model', value: 'theirs' },
          ],
          created: true,
        },
        '.claude/settings.json': { settings: [{ path: '/env', value: {} }] },
      }),
      '.yo-rc.json',
      noPaths,
    );
    expect(record?.configs).toStrictEqual({
      'opencode.json': { settings: [{ path: '/permission/bash/npm test *', value: 'allow' }], created: true },
    });
    expect(ignored).toStrictEqual(['.claude/settings.json']);
    expect(ignoredSettings).toStrictEqual([
      { path: '/permission/bash/*', value: 'allow' },
      { path: '/model', value: 'theirs' },
    ]);
  });

  it('refuses a configs entry of the wrong shape, naming it', () => {
    expect(() => readRecord(stored({ 'opencode.json': { settings: 'all' } }), '.yo-rc.json', noPaths)).toThrow(
      /"configs" that is not a map of files/,
    );
  });

  it('a run stopped after writing a config file: its pending entry applies once the file holds what it meant to write', () => {
    const record = {
      ...stored({ 'opencode.json': { settings: [], created: true } }),
      pending: {
        settings: [],
        declined: [],
        createdSettings: false,
        createdFolders: [],
        configs: {
          'opencode.json': {
            settings: [{ path: '/permission', value: { bash: { 'npm test *': 'allow' } } }],
            created: true,
            hash: 'f'.repeat(64),
          },
        },
      },
    } as never;
    const disk = (text: string | undefined) => ({ read: () => text, isFolder: () => false });
    expect(settledRecord(record, disk('{}'))?.configs).toStrictEqual({
      'opencode.json': { settings: [], created: true },
    });
    const written = '{"permission":{"bash":{"npm test *":"allow"}}}';
    (record as { pending: { configs: Record<string, { hash: string }> } }).pending.configs['opencode.json'].hash =
      contentHash(written);
    expect(settledRecord(record, disk(written))?.configs?.['opencode.json']?.settings).toHaveLength(1);
  });
});

describe('one source of content', () => {
  const skills = join(packRoot, '.claude/skills');
  const texts = (readdirSync(skills, { recursive: true }) as string[])
    .filter((path) => path.endsWith('.md'))
    .map((path) => ({ path, text: readFileSync(join(skills, path), 'utf8') }));
  const REFERENCE = /^orchestrator\/references\/(claude-code|codex|gemini|copilot|opencode)\.md$/;

  it("the role skills and the decision tree say what to do in client-neutral words: no client's tools, parameters or files", () => {
    const specific =
      /Agent\(|SendMessage|TaskStop|ListAgents|subagent_type|run_in_background|isolation: |outputFile|CLAUDE_CODE_|spawn_agent|wait_agent|send_input|invoke_agent|write_agent|read_agent|task_id|\.claude\/(settings\.json|worktrees|agents)|\.codex\/|\.gemini\/|\.github\/|\.opencode\/|opencode\.json/;
    // The complete runs are worked examples in one client, and say so; each client's reference is its own.
    const neutral = texts.filter(({ path }) => !REFERENCE.test(path) && path !== 'orchestrator/references/examples.md');
    expect(neutral.map(({ path }) => path).sort()).toStrictEqual([
      'coordinator/SKILL.md',
      'engineer/SKILL.md',
      'orchestrator/SKILL.md',
      'orchestrator/references/decision-tree.md',
      'reviewer/SKILL.md',
      'tester/SKILL.md',
    ]);
    for (const { path, text } of neutral) expect(text.match(specific)?.[0], path).toBeUndefined();
    expect(texts.find(({ path }) => path === 'orchestrator/references/examples.md')?.text).toMatch(
      /^Two runs .* in Claude Code/m,
    );
  });

  it('the orchestrator links one reference per client, and each says how its client launches, continues, stops and permits', () => {
    const orchestrator = texts.find(({ path }) => path === 'orchestrator/SKILL.md')!.text;
    const references = texts.filter(({ path }) => REFERENCE.test(path));
    expect(references).toHaveLength(CLIENTS.length);
    for (const { path, text } of references) {
      expect(orchestrator).toContain(`](${path.replace('orchestrator/', '')})`);
      expect(text.match(/^## .*$/gm)).toStrictEqual([
        '## Launch',
        '## Isolation',
        '## Results',
        '## Continue and stop',
        '## Permissions',
      ]);
    }
  });
});

describe("every client's files, from the one source", () => {
  it('the skills go once into .agents/skills, as copies of the same bytes; agents only for the chosen clients', () => {
    const source = selectedFiles({ skills: [...ROLES], agents: true }, packTemplates().files);
    const files = otherClientFiles({ ...DEFAULT_ANSWERS, clients: ['claude', 'gemini'] }, source);
    for (const [path, text] of Object.entries(source).filter(([path]) => path.startsWith('.claude/skills/')))
      expect(files[path.replace('.claude/skills/', '.agents/skills/')]).toBe(text);
    expect(Object.keys(files).filter((path) => !path.startsWith('.agents/skills/'))).toStrictEqual([
      '.gemini/agents/engineer.md',
      '.gemini/agents/reviewer.md',
      '.gemini/agents/tester.md',
    ]);
    expect(otherClientFiles({ ...DEFAULT_ANSWERS, clients: ['claude'] }, source)).toStrictEqual({});
    expect(
      Object.keys(
        otherClientFiles(
          { ...DEFAULT_ANSWERS, clients: ['codex'], agents: false, testCommand: '', buildCommand: '' },
          source,
        ),
      ).filter((path) => !path.startsWith('.agents/')),
    ).toStrictEqual([]);
  });

  it('renders the files of every release too (an install record may name them, an update finds its merge base)', () => {
    for (const release of readReleases()) expect(Object.keys(everyClientFile(release.files)).length).toBeGreaterThan(0);
    expect(CLIENTS).not.toContain('cursor');
  });

  it('knows every rendered path without rendering: the paths an install record may name, as the renders write them', () => {
    for (const files of [...readReleases().map((release) => release.files), packFiles()])
      expect(everyClientPath(Object.keys(files)).sort()).toStrictEqual(Object.keys(everyClientFile(files)).sort());
  });
});
