import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packRoot, templatesRoot } from '../generators/io/paths.js';
import { pluginSources } from '../generators/io/templates.js';
import { ROLES, SPAWNED_ROLES } from '../generators/lib/catalogue.js';
import { pluginFiles } from '../generators/lib/plugin.js';
import { type ClientFacts, packClaimProblems, readClientFacts } from './helpers/client-facts.js';
import { tempFolder, writeFiles } from './helpers/repo.js';
import {
  bash,
  notifications,
  notificationsOf,
  relaunchingFailed,
  workingDirectory,
} from './helpers/stand-in/claude-code.js';
import {
  type Block,
  type MessagesRequest,
  requestText,
  type ToolCall,
  type Turn,
  toolCalls,
  WAIT,
} from './helpers/stand-in/model.js';
import { play, projectInstall, scenarioRepo, UNPUSHED_FILE } from './helpers/stand-in/pack.js';

/**
 * Every text file of the pack, plus the CLAUDE.md and AGENTS.md sections, keyed by a readable path; but the
 * orchestrator's references for the other clients, whose claims are about those clients and are checked
 * against them (test/clients.test.ts).
 */
function packTexts(): Record<string, string> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  const otherClients = /\/orchestrator\/references\/(codex|gemini|copilot|opencode)\.md$/;
  const files = [
    ...walk(packRoot).filter((file) => !otherClients.test(file)),
    join(templatesRoot, 'claude-md-section.md.ejs'),
    join(templatesRoot, 'agents-md-section.md.ejs'),
  ];
  return Object.fromEntries(files.map((file) => [relative(templatesRoot, file), readFileSync(file, 'utf8')]));
}

const pack = { skills: [...ROLES], agents: [...SPAWNED_ROLES] };

describe('what the pack says about the client, checked against the pinned client binary', () => {
  let facts: ClientFacts;
  beforeAll(() => {
    facts = readClientFacts();
  });

  it('reads the facts the pack relies on from the client itself', () => {
    expect(facts.tools).toEqual(
      expect.arrayContaining(['Agent', 'Read', 'Grep', 'Glob', 'Edit', 'Write', 'Bash', 'TaskStop']),
    );
    expect(facts.toolAliases.Task).toBe('Agent');
    expect(facts.removedTools).toContain('TaskOutput');
    expect(facts.agentToolParameters).toEqual(
      expect.arrayContaining(['description', 'prompt', 'subagent_type', 'model', 'run_in_background', 'isolation']),
    );
    expect(facts.agentToolIsolation).toContain('worktree');
    expect(facts.agentFrontmatterKeys).toEqual(expect.arrayContaining(['tools', 'model', 'permissionMode', 'skills']));
    expect(facts.permissionModes).toContain('acceptEdits');
    expect(facts.backgroundLaunchFields).toContain('outputFile');
    expect(facts.maxConcurrentSubagents).toBeGreaterThan(0);
    // The plugin settings allow edits with an Edit(...) rule: the client matches no Write(...) rule.
    expect(facts.mentions('is not matched by file permission checks')).toBe(true);
  });

  it('every tool, parameter, field and value the pack names exists in the client', () => {
    expect(packClaimProblems(packTexts(), facts, pack)).toEqual([]);
  });

  it('the spawned roles that edit accept edits; the reviewer has no edit tool', () => {
    const texts = packTexts();
    for (const role of ['engineer', 'tester'])
      expect(texts[`pack/.claude/agents/${role}.md`]).toMatch(/^permissionMode: acceptEdits$/m);
    const reviewerTools = /^tools: (.*)$/m.exec(texts['pack/.claude/agents/reviewer.md'])![1].split(', ');
    expect(reviewerTools.filter((tool) => ['Edit', 'Write', 'NotebookEdit'].includes(tool))).toEqual([]);
  });

  it('catches a claim the client does not back', () => {
    const broken = {
      'skill.md': [
        'Check it with TaskOutput, then KillAgent(id).',
        'Agent(subagent_type: "builder", worktree: true, model: "gpt")',
        'Set `isolation: "sandbox"` and `timeout: 5`; raise CLAUDE_CODE_MAX_AGENTS.',
        'The client itself runs up to 8 subagents at once. Allow `Bash(npm test:*)`.',
      ].join('\n'),
      'pack/.claude/agents/x.md':
        '---\nname: x\ndescription: d\ntools: Read, Frob\npermissionMode: sometimes\ncolour: red\nskills:\n  - nobody\n---\n',
    };
    expect(packClaimProblems(broken, facts, pack).map((problem) => problem.replace(/^[^:]+: /, ''))).toEqual([
      'calls unknown tool KillAgent(...)',
      'names TaskOutput, which the client removed',
      'names KillAgent, not a client tool',
      'Agent(...) has no parameter worktree',
      'isolation "sandbox" unknown',
      'model "gpt" unknown',
      'subagent_type "builder" is defined nowhere',
      '`timeout:` is neither an Agent parameter nor an agent field',
      'CLAUDE_CODE_MAX_AGENTS is unknown to the client',
      'says the client runs 8 subagents at once; it runs 20',
      'uses the legacy `Bash(cmd:*)` rule form; write `Bash(cmd *)`',
      'agent field colour unknown',
      'permissionMode sometimes unknown',
      'tools lists Frob, not a client tool',
      'preloads skill nobody, which the pack lacks',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// What the pack says the client does, shown by the client itself: the pinned client run against the
// stand-in model (test/helpers/stand-in/), with the pack installed as a project install.

const results = (calls: ToolCall[]) => calls.map((call) => [call.name, call.result?.isError ?? 'no result']);

/** The pack's settings without `worktree` (the client's defaults), and a plugin loaded beside the project's agents. */
async function worktreeProbe() {
  const where = scenarioRepo(projectInstall);
  const settingsFile = join(where.repo, '.claude/settings.json');
  const { worktree: _, ...settings } = JSON.parse(readFileSync(settingsFile, 'utf8'));
  writeFileSync(settingsFile, JSON.stringify(settings));
  where.git('commit', '-qam', 'No worktree settings');
  const marketplace = tempFolder('ai-pack-marketplace-');
  writeFiles(marketplace, pluginFiles(pluginSources()));
  const briefs = {
    writes: 'PROBE-WRITES: write a new file',
    asks: 'PROBE-ASKS: ask first',
    plugin: 'PROBE-PLUGIN: write a file in the shared checkout',
    reviewer: 'PROBE-REVIEWER: look',
    stuck: 'PROBE-STUCK: never answers',
  };
  // The stuck agent's model answers only once the orchestrator has stopped it, or after 80 s, so that a run whose
  // TaskStop never comes still ends within the client's 100 s (30 s was too short for a busy machine).
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
    setTimeout(resolve, 80_000).unref();
  });
  const launch = (type: string, prompt: string, isolated: boolean): Block => ({
    tool: 'Agent',
    input: {
      subagent_type: type,
      description: prompt.slice(0, 20),
      prompt,
      ...(isolated ? { isolation: 'worktree' } : {}),
    },
  });
  const byBrief = (request: MessagesRequest, brief: string) => notificationsOf(request, brief)[0];
  const played = await play(
    where,
    'PROBE-MAIN',
    [
      {
        name: 'main',
        when: 'PROBE-MAIN',
        turns: [
          [
            launch('engineer', briefs.writes, true),
            launch('engineer', briefs.asks, true),
            launch('ai-pack:engineer', briefs.plugin, false),
            launch('reviewer', briefs.reviewer, false),
            launch('engineer', briefs.stuck, false),
          ],
          ...(
            [
              (request: MessagesRequest) => {
                if (notifications(request).length < 4) return WAIT;
                const launched = toolCalls(request).find((call) => call.input.prompt === briefs.stuck);
                return [{ tool: 'TaskStop', input: { task_id: /^agentId: (\w+)/m.exec(launched!.result!.text)![1] } }];
              },
              (request) => {
                // The TaskStop's result is in: only now may the stuck agent's model answer (before, the agent
                // could finish first and TaskStop would find it no longer running).
                stop();
                return notifications(request).length < 5 ? WAIT : [bash('git status --porcelain')];
              },
              (request) => [bash(`git -C ${byBrief(request, briefs.writes).worktreePath} diff`)],
              (request) => {
                const path = byBrief(request, briefs.writes).worktreePath;
                return [bash(`git -C ${path} add -A && git -C ${path} diff --cached`)];
              },
              (request) => [
                { tool: 'SendMessage', input: { to: byBrief(request, briefs.asks).taskId, message: 'Go on.' } },
              ],
              (request) => (notifications(request).length < 6 ? WAIT : [{ text: 'Done.' }]),
            ] as Turn[]
          ).map(relaunchingFailed),
        ],
      },
      {
        name: 'writes',
        when: briefs.writes,
        turns: [
          [bash('git log --format=%s')],
          [bash('npm ci')],
          (request) => [
            { tool: 'Write', input: { file_path: join(workingDirectory(request), 'src/new.js'), content: 'NEW\n' } },
          ],
          [{ text: 'Result: done' }],
        ],
      },
      {
        name: 'asks',
        when: briefs.asks,
        turns: [
          [{ text: 'Result: needs context' }],
          [bash('pwd && git branch --show-current')],
          [{ text: 'Result: done' }],
        ],
      },
      {
        name: 'plugin',
        when: briefs.plugin,
        turns: [
          (request) => [
            { tool: 'Write', input: { file_path: join(workingDirectory(request), 'src/plugin.js'), content: 'x\n' } },
          ],
          [{ text: 'Result: done' }],
        ],
      },
      { name: 'reviewer', when: briefs.reviewer, turns: [[{ text: 'Result: done' }]] },
      { name: 'stuck', when: briefs.stuck, turns: [() => stopped.then(() => [{ text: 'too late' }])] },
    ],
    ['--plugin-dir', join(marketplace, 'plugin'), '--allowedTools', 'Bash(git -C *)', 'Bash(git add *)'],
  );
  const calls = (name: string) => toolCalls(played.of(name).at(-1)!.body);
  const main = played.of('main').at(-1)!.body;
  const notified = (brief: string) => byBrief(main, brief);
  return {
    where,
    played,
    calls,
    written: notified(briefs.writes),
    asked: notified(briefs.asks),
    stuck: notified(briefs.stuck),
  };
}

/** A file each deny rule of the pack's settings is meant to cover: in a nested folder, or in the home. */
function fileFor(rule: string, repo: string, home: string): string {
  const pattern = /^Read\((.*)\)$/.exec(rule)![1];
  const path = pattern
    .replace(/^\.\/\*\*\//, 'deep/er/')
    .replaceAll('**', 'x')
    .replaceAll('*', 'x');
  return path.startsWith('~/') ? join(home, path.slice(2)) : join(repo, path);
}

async function secretsProbe() {
  const where = scenarioRepo(projectInstall);
  const deny: string[] = JSON.parse(readFileSync(join(packRoot, '.claude/settings.json'), 'utf8')).permissions.deny;
  const files = deny.map((rule) => fileFor(rule, where.repo, where.home));
  for (const file of files) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `SECRET in ${file}\n`);
  }
  // A .env committed by mistake: the history still holds it.
  writeFileSync(join(where.repo, '.env'), 'SECRET committed\n');
  where.git('add', '-f', '.env');
  where.git('commit', '-qm', 'Oops');
  const played = await play(where, 'PROBE-SECRETS', [
    {
      name: 'main',
      when: 'PROBE-SECRETS',
      turns: [
        [
          {
            tool: 'Agent',
            input: { subagent_type: 'engineer', description: 'look', prompt: 'PROBE-LOOK', isolation: 'worktree' },
          },
        ],
        (request) => (notifications(request).length < 1 ? WAIT : [{ text: 'Done.' }]),
      ],
    },
    {
      name: 'agent',
      when: 'PROBE-LOOK',
      turns: [
        files.map((file) => ({ tool: 'Read', input: { file_path: file } })),
        files.map((file) => bash(`cat ${file}`)),
        [bash(`grep -r SECRET ${join(where.repo, 'deep')}`), bash('git show HEAD:.env')],
        [{ text: 'Result: done' }],
      ],
    },
  ]);
  return { deny, files, calls: toolCalls(played.of('agent').at(-1)!.body) };
}

describe('what the pack says the client does, shown by the client itself (a stand-in model)', {
  timeout: 150_000,
}, () => {
  let worktrees: ReturnType<typeof worktreeProbe>;
  let secrets: ReturnType<typeof secretsProbe>;
  beforeAll(() => {
    worktrees = worktreeProbe();
    secrets = secretsProbe();
    for (const probe of [worktrees, secrets]) probe.catch(() => {});
  });

  it('without "worktree": {"baseRef": "head"}, an isolated agent starts from origin, without the local commit', async () => {
    const { calls, where } = await worktrees;
    const [log] = calls('writes');
    expect(log.result!.text).not.toContain('not pushed');
    expect(where.git('log', '--format=%s', '-1')).toBe('No worktree settings');
    expect(existsInHistory(where, UNPUSHED_FILE)).toBe(true);
  });

  it('a worktree is .claude/worktrees/agent-<id> on branch worktree-agent-<id>, untracked in the main checkout', async () => {
    const { calls, written, where } = await worktrees;
    expect(written.worktreePath).toBe(join(where.repo, `.claude/worktrees/agent-${written.taskId}`));
    expect(written.worktreeBranch).toBe(`worktree-agent-${written.taskId}`);
    const [status] = calls('main').filter((call) => call.input.command === 'git status --porcelain');
    expect(status.result!.text).toBe('?? .claude/worktrees/');
  });

  it('git diff in a worktree does not show a new file; add -A, then diff --cached does', async () => {
    const { calls } = await worktrees;
    const [diff, staged] = calls('main').filter((call) => /diff/.test(String(call.input.command)));
    expect(diff.result!.text).not.toContain('NEW');
    expect(staged.result!.text).toMatch(/new file mode[\s\S]*\+NEW/);
  });

  it('an unchanged worktree is removed when its agent stops: resumed, the agent works in the main checkout', async () => {
    const { calls, asked, where } = await worktrees;
    expect(asked.worktreePath).toBeUndefined();
    const [whereItRuns] = calls('asks');
    expect(whereItRuns.result!.text.split('\n')).toEqual([where.repo, 'main']);
  });

  it("a plugin agent's permissionMode is ignored (its Write is denied), a project agent's is honoured", async () => {
    const { calls, played } = await worktrees;
    expect(results(calls('writes'))).toEqual([
      ['Bash', false],
      ['Bash', true],
      ['Write', false],
    ]);
    expect(results(calls('plugin'))).toEqual([['Write', true]]);
    expect(readFileSync(join(packRoot, '.claude/agents/engineer.md'), 'utf8')).toMatch(
      /^permissionMode: acceptEdits$/m,
    );
    expect(requestText(played.of('plugin')[0].body)).toContain('ai-pack:engineer');
  });

  it("a set-up command such as npm ci is denied to an agent under the pack's settings", async () => {
    const { calls } = await worktrees;
    expect(calls('writes')[1].result!.text).toMatch(/^Permission to use Bash .*has been denied/);
  });

  it('TaskStop with the agent id stops an agent that does not answer', async () => {
    const { calls, stuck } = await worktrees;
    expect(calls('main').find((call) => call.name === 'TaskStop')?.result?.text).toMatch(/Successfully stopped task/);
    expect(stuck.status).toBe('killed');
  });

  it('the launch result says not to Read or tail the output file, and to continue an agent with SendMessage', async () => {
    const { calls } = await worktrees;
    const launched = calls('main').find((call) => call.name === 'Agent')!;
    expect(launched.result!.text).toMatch(/Use SendMessage with to: '\w+'/);
    expect(launched.result!.text).toMatch(/output_file: \S+\nDo NOT Read or tail this file/);
  });

  it('an agent with Bash searches through it (no Grep, Glob); the reviewer, without Bash, gets Grep and Glob', async () => {
    const { played } = await worktrees;
    const tools = (name: string) => (played.of(name)[0].body.tools ?? []).map((tool) => tool.name).sort();
    expect(tools('writes')).toEqual(['Bash', 'Edit', 'Read', 'Write']);
    expect(tools('reviewer')).toEqual(['Glob', 'Grep', 'Read']);
  });

  it("every deny rule of the pack's settings stops Read and cat of a file it covers, for an agent in a worktree", async () => {
    const { deny, files, calls } = await secrets;
    expect(files).toHaveLength(deny.length);
    const leaked = calls
      .slice(0, 2 * files.length)
      .filter((call) => !call.result?.isError || call.result.text.includes('SECRET'))
      .map((call) => `${call.name} ${call.input.file_path ?? call.input.command}: ${call.result?.text.slice(0, 80)}`);
    expect(leaked).toEqual([]);
    expect(calls).toHaveLength(2 * deny.length + 2);
  });

  it('deny rules do not stop grep -r or git show HEAD:.env (as the README says)', async () => {
    const { calls } = await secrets;
    const [grep, show] = calls.slice(-2);
    expect(grep.result!.text).toMatch(/deep\/er\/\.env:SECRET/);
    expect(show.result!.text).toBe('SECRET committed');
  });
});

function existsInHistory(where: { git(...args: string[]): string }, path: string): boolean {
  return where.git('log', '--format=%h', '--', path) !== '';
}
