// The pack in every other pinned coding client, offline: each client shows that it finds what the generator
// wrote for it, through its own listing or validation command where it has one, otherwise through what it sends
// the stand-in of its model API (./helpers/stand-in/apis.ts) in its first request. The four clients run at the
// same time, each in a throw-away HOME; what the pack says about each (its reference) is checked against the
// client's own code.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot, packRoot } from '../generators/io/paths.js';
import { ROLES, SPAWNED_ROLES } from '../generators/lib/catalogue.js';
import { CLIENTS } from '../generators/lib/clients/clients.js';
import { CODEX_RULES_PATH } from '../generators/lib/clients/codex-rules.js';
import { parseFrontmatter } from '../generators/lib/frontmatter.js';
import {
  CLIENT_COMMANDS,
  COPILOT_CACHE,
  cleanEnvironment,
  codexBinary,
  homeWith,
  type OfflineResult,
  runOffline,
} from './helpers/clients.js';
import { runInProcess } from './helpers/in-process.js';
import { makeRepo, NPM_PACKAGE_JSON } from './helpers/repo.js';

/** Every string in a JSON value, one after the other: what a client sent, as text to search. */
function stringsOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(stringsOf).join('\n');
  return value && typeof value === 'object' ? Object.values(value).map(stringsOf).join('\n') : '';
}
/** What a request sent, as text; XML entities read (Copilot CLI escapes the skills it lists). */
const sent = (result: OfflineResult, index: number) =>
  stringsOf(result.requests[index]?.body).replace(
    /&(apos|quot|lt|gt|amp);/g,
    (_entity, name: string) => ({ apos: "'", quot: '"', lt: '<', gt: '>', amp: '&' })[name]!,
  );
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A skill as the clients list it in a system prompt: its name, then its description. */
const skillEntry = (role: string, description: string) =>
  new RegExp(`<name>${role}</name>\\s*<description>${escaped(description)}</description>`);
/** The model requests (not model lists or token counts), in order. */
const modelRequests = (result: OfflineResult) => ({
  ...result,
  requests: result.requests.filter((request) => request.method === 'POST' && !request.url.includes(':countTokens')),
});
/** The request of a conversation opened by `marker` (a subagent's brief). */
const requestWith = (result: OfflineResult, marker: string) =>
  result.requests.find((request) => JSON.stringify(request.body).includes(marker));
/** Function names a request offers its model, in any of the three API shapes. */
function toolNames(body: unknown): string[] {
  const names: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (Array.isArray(record.functionDeclarations))
        names.push(...record.functionDeclarations.map((tool) => (tool as { name: string }).name));
      else if (record.type === 'function' && typeof (record.function as { name?: string })?.name === 'string')
        names.push((record.function as { name: string }).name);
    }
  };
  walk((body as { tools?: unknown }).tools);
  return names.sort();
}

const description = (text: string) => String(parseFrontmatter(text).data.description);
const timings: Record<string, number> = {};

describe('the pack in every pinned client but Claude Code, offline', { timeout: 240_000 }, () => {
  let repo: string;
  let file: (path: string) => string;
  /** Each client's runs, started together in beforeAll. */
  let runs: Record<'codex' | 'gemini' | 'copilot' | 'opencode', Promise<Record<string, OfflineResult>>>;

  const timed = async <T extends Record<string, OfflineResult>>(client: string, work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    timings[client] = Math.round(performance.now() - started);
    return result;
  };

  beforeAll(async () => {
    repo = realpathSync(makeRepo({ 'package.json': NPM_PACKAGE_JSON }));
    const install = await runInProcess(repo, ['--yes', '--clients', CLIENTS.join(',')]);
    expect(install.status, install.output).toBe(0);
    file = (path) => readFileSync(join(repo, path), 'utf8');
    runs = {
      codex: timed('codex', () => codexRuns(repo)),
      gemini: timed('gemini', () => geminiRuns(repo, file)),
      copilot: timed('copilot', () => copilotRuns(repo)),
      opencode: timed('opencode', () => opencodeRuns(repo)),
    };
    for (const run of Object.values(runs)) run.catch(() => {});
  });

  const skillsOf = () =>
    ROLES.map((role) => ({ role, description: description(file(`.agents/skills/${role}/SKILL.md`)) }));
  /** The pack's AGENTS.md section, between its markers. */
  const section = () => file('AGENTS.md').split('\n').slice(1, -2).join('\n');
  const agentsOf = () =>
    SPAWNED_ROLES.map((role) => ({ role, description: description(file(`.claude/agents/${role}.md`)) }));

  it("Codex: `codex debug prompt-input` shows the pack's skills, its agent roles, its approved commands and the AGENTS.md section", async () => {
    const { prompt } = await runs.codex;
    expect(prompt.status, prompt.stderr).toBe(0);
    const text = stringsOf(JSON.parse(prompt.stdout));
    const root = new RegExp(`\`(r\\d+)\` = \`${escaped(repo)}/\\.agents/skills\``).exec(text)?.[1];
    expect(root, "the root of the pack's skills").toBeDefined();
    for (const { role, description } of skillsOf())
      expect(text).toContain(`- ${role}: ${description} (file: ${root}/${role}/SKILL.md)`);
    for (const { role, description } of agentsOf()) expect(text).toContain(`${role}: {\n${description}\n}`);
    expect(text).toContain('approved: - ["npm", "test"]\n- ["npm", "run", "build"]');
    expect(text).toContain(`# AGENTS.md instructions for ${repo}`);
    expect(text).toContain(section());
  });

  it("Codex: `codex execpolicy check` finds the pack's rules valid, allowing the test command with arguments and nothing else", async () => {
    const { allowed, other } = await runs.codex;
    expect(JSON.parse(allowed.stdout)).toMatchObject({ decision: 'allow' });
    expect(JSON.parse(other.stdout)).toEqual({ matchedRules: [] });
  });

  it("Gemini CLI: its first request lists the pack's skills and agents; the reviewer gets only read and search tools", async () => {
    const result = modelRequests((await runs.gemini).run);
    expect(result.status, result.stderr).toBe(0);
    const first = sent(result, 0);
    for (const { role, description } of skillsOf()) expect(first).toMatch(skillEntry(role, description));
    for (const { role, description } of agentsOf()) expect(first).toContain(`- ${role} -> ${description}`);
    const reviewer = requestWith(result, 'REVIEW-BRIEF');
    expect(reviewer, 'the reviewer agent ran').toBeDefined();
    expect(toolNames(reviewer!.body)).toEqual(expect.arrayContaining(['read_file', 'grep_search', 'glob']));
    expect(toolNames(reviewer!.body).filter((name) => /write|replace|shell|edit/.test(name))).toEqual([]);
  });

  it("Copilot CLI: its first request lists the pack's skills, agents and AGENTS.md section; the reviewer gets only read and search tools", async () => {
    const result = modelRequests((await runs.copilot).run);
    expect(result.status, result.stderr).toBe(0);
    const first = sent(result, 0);
    for (const { role, description } of skillsOf()) expect(first).toMatch(skillEntry(role, description));
    for (const { role, description } of agentsOf()) expect(first).toContain(`- **${role}**: ${description}`);
    expect(first).toContain(section());
    const reviewer = requestWith(result, 'REVIEW-BRIEF');
    expect(reviewer, 'the reviewer agent ran').toBeDefined();
    expect(toolNames(reviewer!.body)).toEqual(['glob', 'rg', 'view']);
  });

  it("OpenCode: `opencode debug skill` and `agent list` show the pack's skills and agents; the reviewer may not edit or run commands", async () => {
    const { skills, agents, reviewer } = await runs.opencode;
    for (const run of [skills, agents, reviewer]) expect(run.status, run.stderr).toBe(0);
    const listed = JSON.parse(skills.stdout) as { name: string; description: string; location: string }[];
    for (const { role, description } of skillsOf()) {
      const skill = listed.find((entry) => entry.name === role);
      expect(skill?.description).toBe(description);
      expect(skill?.location).toMatch(new RegExp(`^${repo}/\\.(agents|claude)/skills/${role}/SKILL\\.md$`));
    }
    for (const role of SPAWNED_ROLES) expect(agents.stdout).toContain(`${role} (subagent)`);
    const rules = (
      JSON.parse(reviewer.stdout).permission as { permission: string; pattern: string; action: string }[]
    ).map(({ permission, pattern, action }) => `${permission} ${pattern} ${action}`);
    // opencode.json's rules reach every agent; the reviewer's own come after them, and the last match wins.
    const allowed = rules.indexOf('bash npm test * allow');
    expect(allowed).toBeGreaterThan(-1);
    expect(rules.indexOf('bash npm run build * allow')).toBeGreaterThan(-1);
    expect(rules.indexOf('bash * deny')).toBeGreaterThan(allowed);
    expect(rules).toContain('edit * deny');
  });

  it('each reference names only tools, parameters and agents its client has', async () => {
    await Promise.all(Object.values(runs));
    for (const [client, code] of Object.entries(clientCode())) {
      const reference = readFileSync(join(packRoot, `.claude/skills/orchestrator/references/${client}.md`), 'utf8');
      // The pack's own names (its roles) are the pack's, not the client's.
      const words = [...reference.matchAll(/`([a-z][a-z0-9_-]*)`/g)]
        .map(([, word]) => word)
        .filter((word) => !(ROLES as readonly string[]).includes(word));
      expect(words.length).toBeGreaterThan(3);
      expect(
        words.filter((word) => !code.includes(word, 0, 'latin1')),
        `${client}.md`,
      ).toEqual([]);
    }
    console.log(`client run times (ms, concurrently): ${JSON.stringify(timings)}`);
  });
});

// ---------------------------------------------------------------------------------------------

/** A trusted project, and a local provider so Codex does not wait on a lookup of its own host. */
async function codexRuns(repo: string) {
  const home = homeWith({
    '.codex/config.toml': [
      'model_provider = "standin"',
      '[model_providers.standin]',
      'name = "standin"',
      'base_url = "http://127.0.0.1:9/v1"',
      'wire_api = "responses"',
      `[projects.${JSON.stringify(repo)}]`,
      'trust_level = "trusted"',
      '',
    ].join('\n'),
  });
  const env = cleanEnvironment(home);
  const codex = (...args: string[]) => runOffline({ command: [...CLIENT_COMMANDS.codex, ...args], cwd: repo, env });
  const rules = join(repo, CODEX_RULES_PATH);
  const [prompt, allowed, other] = await Promise.all([
    codex('debug', 'prompt-input'),
    codex('execpolicy', 'check', '--rules', rules, 'npm', 'test', '--', '--grep', 'x'),
    codex('execpolicy', 'check', '--rules', rules, 'npm', 'run', 'lint'),
  ]);
  return { prompt, allowed, other };
}

/**
 * `gemini -p` against the stand-in, as a user who trusts the folder and has acknowledged the project's agents
 * (Gemini keeps a SHA-256 of each agent file it was shown); the first answer launches the reviewer.
 */
async function geminiRuns(repo: string, file: (path: string) => string) {
  const agents = Object.fromEntries(
    SPAWNED_ROLES.map((role) => [
      role,
      createHash('sha256')
        .update(file(`.gemini/agents/${role}.md`))
        .digest('hex'),
    ]),
  );
  const home = homeWith({
    '.gemini/settings.json': JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }),
    '.gemini/acknowledgments/agents.json': JSON.stringify({ [repo]: agents }),
  });
  const run = await runOffline({
    // A model named, or its router asks the model for JSON first, and retries for minutes on plain text.
    command: [...CLIENT_COMMANDS.gemini, '-m', 'gemini-2.5-pro', '-p', 'SAY-HI'],
    cwd: repo,
    env: {
      ...cleanEnvironment(home),
      GEMINI_API_KEY: 'stand-in',
      GOOGLE_GEMINI_BASE_URL: '{{STAND_IN}}',
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
    },
    toolCalls: [{ name: 'invoke_agent', args: { agent_name: 'reviewer', prompt: 'REVIEW-BRIEF: look' } }],
  });
  return { run };
}

/** `copilot -p` with its own provider (no GitHub login) against the stand-in; the first answer launches the reviewer. */
async function copilotRuns(repo: string) {
  const run = await runOffline({
    command: [...CLIENT_COMMANDS.copilot, '-p', 'SAY-HI', '--no-auto-update'],
    cwd: repo,
    env: {
      ...cleanEnvironment(homeWith()),
      COPILOT_PROVIDER_BASE_URL: '{{STAND_IN}}/v1',
      COPILOT_PROVIDER_API_KEY: 'stand-in',
      COPILOT_MODEL: 'gpt-5.4',
    },
    toolCalls: [
      {
        name: 'task',
        args: { name: 'rev', description: 'review', prompt: 'REVIEW-BRIEF: look', agent_type: 'reviewer' },
      },
    ],
  });
  return { run };
}

/** OpenCode's own listings, each in a HOME of its own, at once. */
async function opencodeRuns(repo: string) {
  const opencode = (...args: string[]) =>
    runOffline({ command: [...CLIENT_COMMANDS.opencode, ...args], cwd: repo, env: cleanEnvironment(homeWith()) });
  const [skills, agents, reviewer] = await Promise.all([
    opencode('debug', 'skill'),
    opencode('agent', 'list'),
    opencode('debug', 'agent', 'reviewer'),
  ]);
  return { skills, agents, reviewer };
}

/**
 * Each client's own code: where its tool and parameter names are written (Codex and OpenCode are single
 * binaries; Gemini CLI a bundle of scripts; Copilot CLI's scripts are what it unpacked on its first run).
 */
function clientCode(): Record<string, Buffer> {
  const modules = join(packageRoot, 'node_modules');
  const bundle = join(modules, '@google/gemini-cli/bundle');
  const copilotMain = spawnSync('find', [COPILOT_CACHE, '-name', 'cli-main.js'], { encoding: 'utf8' }).stdout.split(
    '\n',
  )[0];
  return {
    codex: readFileSync(codexBinary()),
    gemini: Buffer.concat(
      readdirSync(bundle)
        .filter((name) => name.endsWith('.js'))
        .map((name) => readFileSync(join(bundle, name))),
    ),
    copilot: readFileSync(copilotMain),
    opencode: readFileSync(CLIENT_COMMANDS.opencode[0]),
  };
}
