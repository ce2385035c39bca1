// Every procedure the pack teaches, run as written in the pinned Claude Code client, in the project install
// and in the plugin install. The client is real (it launches agents, creates worktrees, applies the
// permissions and runs the commands); only the model's choices come from a script (test/helpers/stand-in/),
// and the orchestrator's choices are read from the orchestrator skill the client loaded. Each scenario
// asserts what ended up on disk and what the client showed the model.
//
// Where the real orchestrator would ask its user (a `git merge`, a file in .ai/tasks/), the run grants
// exactly that with --allowedTools, as the user's "yes". Those grants reach the agents too, so none of them
// is an edit of the project's code or a command an agent is tested with.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../generators/lib/frontmatter.js';
import {
  bash,
  notifications,
  notificationsOf,
  relaunchingFailed,
  workingDirectory,
} from './helpers/stand-in/claude-code.js';
import {
  type Block,
  type Conversation,
  type MessagesRequest,
  requestText,
  type ToolCall,
  toolCalls,
  WAIT,
} from './helpers/stand-in/model.js';
import {
  type PackInstall,
  type Played,
  play,
  pluginInstall,
  projectInstall,
  type ScenarioRepo,
  scenarioRepo,
  UNPUSHED_FILE,
} from './helpers/stand-in/pack.js';
import { forAgent, type Procedure, readProcedure, toolOf } from './helpers/stand-in/procedure.js';

const failed = (call: ToolCall) => call.result?.isError === true;

/** What the orchestrator skill, as the client loads it, says to do in Claude Code (its reference for the client). */
const procedureOf = (install: PackInstall) =>
  readProcedure(
    install.file('.claude/skills/orchestrator/SKILL.md'),
    install.file('.claude/skills/orchestrator/references/claude-code.md'),
  );

/** An Agent call as the skill's example makes it, for another role, description and brief. */
function launch(install: PackInstall, procedure: Procedure, role: string, brief: string, isolated = true): Block {
  const { isolation, ...rest } = procedure.launch;
  const input = { ...rest, ...(isolated && isolation ? { isolation } : {}) };
  return {
    tool: 'Agent',
    input: { ...input, subagent_type: install.named(role), description: brief.slice(0, 30), prompt: brief },
  };
}

/** The skill's set-up before the first launch: a `.gitignore` holding `*` in each folder it names. */
function ignoreFolders(procedure: Procedure, repo: string): Block[] {
  return procedure.ignoredFolders.map((folder) => ({
    tool: 'Write',
    input: { file_path: join(repo, folder, '.gitignore'), content: '*\n' },
  }));
}

/**
 * A background agent that does `steps` in its working directory, one tool call a turn, and ends with
 * `report`; as a model would, it stops at the first call that failed and reports it (`Result: blocked`).
 */
function worker(
  name: string,
  brief: string,
  steps: ((cwd: string) => Block)[],
  report: string,
  start = async () => {},
): Conversation {
  const next = (step?: (cwd: string) => Block) => (request: MessagesRequest) => {
    const stopped = toolCalls(request).find(failed);
    if (stopped)
      return [{ text: `Result: blocked\nOpen: ${stopped.name} failed: ${stopped.result!.text.slice(0, 300)}` }];
    return [step ? step(workingDirectory(request)) : { text: report }];
  };
  const [first, ...rest] = [...steps.map(next), next()];
  const startThenFirst = async (request: MessagesRequest) => {
    await start();
    return first(request);
  };
  return { name, when: brief, turns: [startThenFirst, ...rest] };
}

/**
 * A meeting point for `count` agents: each agent's first turn waits until all have started (or 30 s have
 * passed), so agents the client runs at the same time overlap for sure, and agents it ran one after the
 * other would not.
 */
function meeting(count: number): (index: number) => Promise<void> {
  const arrive: (() => void)[] = [];
  const arrivals = Array.from(
    { length: count },
    (_, index) => new Promise<void>((resolve) => (arrive[index] = resolve)),
  );
  const everyone = Promise.all(arrivals).then(() => {});
  return (index) => {
    arrive[index]();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 30_000);
    });
    return Promise.race([everyone, late]).finally(() => clearTimeout(timer));
  };
}

/** Until `count` notifications have arrived: WAIT; then `then`. */
const afterNotifications = (count: number, then: (request: MessagesRequest) => Block[]) => (request: MessagesRequest) =>
  notifications(request).length < count ? WAIT : then(request);

/** The calls of one conversation as the client answered them: the last request of it holds them all. */
function callsOf(played: Played, conversation: string): ToolCall[] {
  const requests = played.of(conversation);
  return requests.length === 0 ? [] : toolCalls(requests.at(-1)!.body);
}

/** Commands of the main session that its user approves when asked (a terminal session asks for each). */
const USER_APPROVES_GIT = [
  'Bash(git -C *)',
  'Bash(git merge *)',
  'Bash(git worktree *)',
  'Bash(git branch *)',
  'Bash(git add *)',
];
const userApprovesIgnoreFiles = (procedure: Procedure) =>
  procedure.ignoredFolders.map((folder) => `Edit(/${folder}.gitignore)`);

// ---------------------------------------------------------------------------------------------

/** Two features launched in one message, in worktrees, on the local commit; read, committed, merged. */
async function fanOut(install: PackInstall) {
  const where = scenarioRepo(install);
  const procedure = procedureOf(install);
  const features = ['invoice', 'receipt'];
  const briefs = features.map(
    (feature) => `BRIEF-${feature}: add src/${feature}.js using formatMoney from ${UNPUSHED_FILE}, with a test.`,
  );
  const meet = meeting(features.length);
  const engineers = features.map((feature, index) =>
    worker(
      feature,
      briefs[index],
      [
        (cwd) => ({ tool: 'Read', input: { file_path: join(cwd, UNPUSHED_FILE) } }),
        (cwd) => ({
          tool: 'Write',
          input: {
            file_path: join(cwd, `src/${feature}.js`),
            content: `const { formatMoney } = require('./money.js');\nexports.${feature} = (cents) => \`${feature}: \${formatMoney(cents)}\`;\n`,
          },
        }),
        (cwd) => ({
          tool: 'Write',
          input: {
            file_path: join(cwd, `tests/${feature}.test.js`),
            content: `const test = require('node:test');\nconst assert = require('node:assert');\nconst { ${feature} } = require('../src/${feature}.js');\ntest('${feature}', () => assert.equal(${feature}(250), '${feature}: 2.50 EUR'));\n`,
          },
        }),
        () => bash('npm test'),
      ],
      `Result: done\nChanged: src/${feature}.js (new), tests/${feature}.test.js (new)\nChecked: \`npm test\` passed`,
      () => meet(index),
    ),
  );
  // The fan-in, for each agent in the order its notification came: read its change, then commit and merge it
  // (the skill's commands one after the other, in one shell call).
  const perAgent = (commands: string[], index: number) => (request: MessagesRequest) => [
    bash(commands.map((command) => forAgent(command, notifications(request)[index])).join(' && ')),
  ];
  const fanIn = [0, 1].flatMap((index) => [
    perAgent([procedure.reviewCommand ?? '`done` names no review command'], index),
    perAgent(procedure.mergeCommands, index),
  ]);
  const main: Conversation = {
    name: 'main',
    when: 'SCENARIO-FAN-OUT',
    turns: [
      [
        ...ignoreFolders(procedure, where.repo),
        ...briefs.map((brief) => launch(install, procedure, 'engineer', brief)),
      ],
      ...[afterNotifications(2, fanIn[0]), ...fanIn.slice(1), [{ text: 'Both features are in.' }]].map(
        relaunchingFailed,
      ),
    ],
  };
  const played = await play(
    where,
    'SCENARIO-FAN-OUT: add an invoice and a receipt module',
    [main, ...engineers],
    ['--allowedTools', ...USER_APPROVES_GIT, ...userApprovesIgnoreFiles(procedure)],
  );
  return { where, procedure, played, features };
}

/** The reviewer, in a session that accepts edits, tries to change the repository every way it might. */
async function review(install: PackInstall) {
  const where = scenarioRepo(install);
  const procedure = procedureOf(install);
  const edited = "exports.formatCents = (cents) => (cents / 100).toFixed(2) + ' EUR';\n";
  const main: Conversation = {
    name: 'main',
    when: 'SCENARIO-REVIEW',
    turns: [
      [
        ...ignoreFolders(procedure, where.repo),
        { tool: 'Write', input: { file_path: join(where.repo, 'src/format.js'), content: edited } },
        {
          tool: 'Write',
          input: { file_path: join(where.repo, 'src/parse.js'), content: 'exports.parseCents = Number;\n' },
        },
      ],
      // The skill's way to hand the reviewer the change (a test below fails when it gives none).
      ...(procedure.reviewerDiff ? [[bash(procedure.reviewerDiff)]] : []),
      [
        launch(
          install,
          procedure,
          'reviewer',
          `BRIEF-REVIEW: review the change in ${diffFile(where, procedure)}`,
          false,
        ),
      ],
      afterNotifications(1, () => [{ text: 'Reviewed.' }]),
    ],
  };
  const file = (path: string) => join(where.repo, path);
  const reviewer: Conversation = {
    name: 'reviewer',
    when: 'BRIEF-REVIEW',
    turns: [
      [{ tool: 'Read', input: { file_path: diffFile(where, procedure) } }],
      [{ tool: 'Grep', input: { pattern: 'parseCents', path: where.repo } }],
      // The form a session that accepts edits lets an agent with a shell run (no quotes, paths in its folder).
      [bash('sed -i s/EUR/USD/ src/format.js; touch reviewed-by-sed')],
      [{ tool: 'Edit', input: { file_path: file('src/format.js'), old_string: 'EUR', new_string: 'GBP' } }],
      [{ tool: 'Write', input: { file_path: file('review-notes.md'), content: 'notes\n' } }],
      [{ text: 'Result: done\nVerdict: ready\nGood: small and clear.' }],
    ],
  };
  const played = await play(
    where,
    'SCENARIO-REVIEW: change the format, then have it reviewed',
    [main, reviewer],
    ['--permission-mode', 'acceptEdits', '--allowedTools', ...USER_APPROVES_GIT],
  );
  return { where, played, edited, procedure };
}

function diffFile(where: ScenarioRepo, procedure: Procedure): string {
  const path = /\S+\.diff/.exec(procedure.reviewerDiff ?? '')?.[0] ?? '.ai/tasks/review.diff';
  return join(where.repo, path);
}

/**
 * Two agents stop early, launched together: an engineer with a question, a tester whose command was
 * denied. The orchestrator answers each as the fan-in table says; each goes on where it stopped.
 */
async function continued(install: PackInstall) {
  const where = scenarioRepo(install);
  const procedure = procedureOf(install);
  const briefs = {
    engineer: 'BRIEF-PRICE: add src/price.js; ask if the unit of prices is unclear.',
    tester: 'BRIEF-TEST: add tests/discount.test.js and run `npx vitest run tests`.',
  };
  const replies: Record<string, { row: string; message: string }> = {
    'needs context': { row: 'needs context', message: 'ANSWER: prices are integer cents.' },
    blocked: { row: 'blocked', message: 'Run `npm test` instead: that command is allowed.' },
  };
  /** The orchestrator's answer to the next notification that asks for one, with the tool its fan-in row names. */
  const answer = (request: MessagesRequest) => {
    const answered = toolCalls(request).filter((call) => call.name !== 'Agent').length;
    const notification = notifications(request).filter((each) => !/^Result: done/.test(each.result))[answered];
    if (!notification) return WAIT;
    const reply = replies[/^Result: ([a-z ]+)/.exec(notification.result)?.[1] ?? ''];
    if (!reply) throw new Error(`no reply scripted for ${notification.result}`);
    const tool = toolOf(procedure.fanIn[reply.row], procedure);
    if (tool !== 'SendMessage') throw new Error(`the "${reply.row}" row continues the agent with ${tool ?? 'no tool'}`);
    return [{ tool, input: { to: notification.taskId, summary: reply.row, message: reply.message } }];
  };
  const main: Conversation = {
    name: 'main',
    when: 'SCENARIO-CONTINUE',
    turns: [
      [launch(install, procedure, 'engineer', briefs.engineer), launch(install, procedure, 'tester', briefs.tester)],
      ...[answer, answer, afterNotifications(4, () => [{ text: 'Both are in.' }])].map(relaunchingFailed),
    ],
  };
  const write = (path: string, content: string) => (request: MessagesRequest) => [
    { tool: 'Write', input: { file_path: join(workingDirectory(request), path), content } },
  ];
  const engineer: Conversation = {
    name: 'engineer',
    when: briefs.engineer,
    turns: [
      // It starts, then meets the question: its worktree has a change, so the client keeps it.
      write('src/price.js', '// Prices.\n'),
      [
        {
          text: 'Result: needs context\nChanged: src/price.js (started)\nOpen: are prices stored in cents or in euros?',
        },
      ],
      (request) =>
        write(
          'src/price.js',
          `// Prices are ${requestText(request).includes(replies['needs context'].message) ? 'integer cents' : 'unknown'}.\n`,
        )(request),
      [{ text: 'Result: done\nChanged: src/price.js (new)' }],
    ],
  };
  const tester: Conversation = {
    name: 'tester',
    when: briefs.tester,
    turns: [
      write('tests/discount.test.js', "const test = require('node:test');\ntest('discount', () => {});\n"),
      [bash('npx vitest run tests')],
      (request) => [
        {
          text: `Result: blocked\nOpen: \`npx vitest run tests\` failed: ${toolCalls(request).at(-1)!.result?.text.slice(0, 200)}`,
        },
      ],
      [bash('npm test')],
      (request) => {
        const ran = toolCalls(request).at(-1)!;
        return [
          {
            text: failed(ran)
              ? `Result: blocked\nOpen: npm test: ${ran.result?.text}`
              : 'Result: done\nRan: `npm test`, all passed',
          },
        ];
      },
    ],
  };
  const played = await play(where, 'SCENARIO-CONTINUE: a price module and tests for discounts', [
    main,
    engineer,
    tester,
  ]);
  return { where, played, procedure, briefs, answer: replies['needs context'].message };
}

// ---------------------------------------------------------------------------------------------

/** At most `limit` client runs at once: each is a few processes, and the machine may have two cores. */
function queue(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
const inQueue = queue(4);

describe.each([projectInstall, pluginInstall])('$name: the pack run as written in the real client', (install) => {
  let runs: {
    fanOut: ReturnType<typeof fanOut>;
    review: ReturnType<typeof review>;
    continued: ReturnType<typeof continued>;
  };
  beforeAll(() => {
    // Started together, awaited by the tests that read them.
    runs = {
      fanOut: inQueue(() => fanOut(install)),
      review: inQueue(() => review(install)),
      continued: inQueue(() => continued(install)),
    };
    for (const run of Object.values(runs)) run.catch(() => {});
  });

  describe('fan out: two features in worktrees, launched in one message', { timeout: 150_000 }, () => {
    it('both agents run at the same time, started from one message of launches, and each finishes its brief', async () => {
      const { played } = await runs.fanOut;
      const [first, second] = ['invoice', 'receipt'].map((name) => played.of(name));
      expect(first.length && second.length).toBeGreaterThan(0);
      expect(second[0].at).toBeLessThan(first.at(-1)!.at);
      expect(first[0].at).toBeLessThan(second.at(-1)!.at);
      const launchMessage = played.of('main')[1].body.messages.at(-2)!;
      expect(toolCalls({ messages: [launchMessage] }).filter((call) => call.name === 'Agent')).toHaveLength(2);
      const results = notifications(played.of('main').at(-1)!.body).map((notification) => notification.result);
      expect(results.map((result) => result.split('\n')[0])).toEqual(['Result: done', 'Result: done']);
    });

    it('an isolated engineer sees the local commit not pushed yet, and may edit and run the test command', async () => {
      const { played, where } = await runs.fanOut;
      for (const name of ['invoice', 'receipt']) {
        const calls = callsOf(played, name);
        expect.soft(calls[0]?.input.file_path).toMatch(new RegExp(`^${where.repo}/\\.claude/worktrees/agent-\\w+/`));
        expect.soft(calls[0]?.result?.text, 'the unpushed file, read in the worktree').toContain('formatMoney');
        expect(calls.map((call) => [call.name, failed(call)])).toEqual([
          ['Read', false],
          ['Write', false],
          ['Write', false],
          ['Bash', false],
        ]);
      }
    });

    it("the fan-in's review command shows each agent's new files", async () => {
      const { played, procedure } = await runs.fanOut;
      expect.soft(procedure.reviewCommand, 'the `done` row names a command for an isolated agent').toBeDefined();
      // The review calls: the `done` row's command, with an agent's worktree in it.
      const asWritten = (command: unknown) =>
        String(command).replace(/\S+\/\.claude\/worktrees\/agent-\w+/g, '<worktree>');
      const reviews = callsOf(played, 'main').filter(
        (call) => asWritten(call.input.command) === procedure.reviewCommand,
      );
      expect(reviews).toHaveLength(2);
      for (const review of reviews) expect(review.result!.text).toMatch(/new file mode[\s\S]*formatMoney/);
      expect(reviews.map((review) => review.result!.text.match(/src\/(\w+)\.js/)?.[1]).sort()).toEqual([
        'invoice',
        'receipt',
      ]);
    });

    it('merged one branch at a time: both features in the checkout, worktrees and branches gone, git status clean', async () => {
      const { where, played } = await runs.fanOut;
      expect.soft(played.problems).toEqual([]);
      const failedCommands = callsOf(played, 'main')
        .filter(failed)
        .map((call) => `${call.input.command ?? call.input.file_path}: ${call.result!.text}`);
      expect.soft(failedCommands).toEqual([]);
      for (const feature of ['invoice', 'receipt'])
        expect.soft(existsSync(join(where.repo, `src/${feature}.js`))).toBe(true);
      expect.soft(where.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
      expect.soft(where.git('branch', '--list', 'worktree-agent-*')).toBe('');
      expect(where.git('status', '--porcelain', '--untracked-files=all')).toBe('');
    });

    it('what the model sees at start is the pack: its skills and agents, by the names and descriptions it ships', async () => {
      const { played } = await runs.fanOut;
      const shown = requestText(played.of('main')[0].body);
      for (const role of ['orchestrator', 'engineer', 'tester', 'reviewer', 'coordinator']) {
        const { description } = parseFrontmatter(install.file(`.claude/skills/${role}/SKILL.md`)).data;
        expect(shown).toContain(`- ${install.named(role)}: ${description}`);
      }
      for (const role of ['engineer', 'tester', 'reviewer']) {
        const { description, tools } = parseFrontmatter(install.file(`.claude/agents/${role}.md`)).data;
        expect(shown).toContain(`- ${install.named(role)}: ${description} (Tools: ${tools})`);
      }
      // What keeps the reviewer read-only, and the role skills for agents on a brief, is in what the model reads.
      expect.soft(shown).toMatch(new RegExp(`- ${install.named('reviewer')}: .*\\(Tools: Read, Grep, Glob\\)`));
      for (const role of ['engineer', 'tester', 'reviewer'])
        expect
          .soft(shown)
          .toMatch(new RegExp(`- ${install.named(role)}: For the ${role} agent on a brief\\b.*\\. Not for `));
      expect(shown).toMatch(
        new RegExp(`- ${install.named('orchestrator')}: .*Use for .*failing.*every package.*; not for `),
      );
    });
  });

  describe('the reviewer, in a session that accepts edits', { timeout: 150_000 }, () => {
    it('reads the change handed to it as a file, new files included, and cannot change a file', async () => {
      const { where, played, edited, procedure } = await runs.review;
      expect.soft(procedure.reviewerDiff, 'the skill says how to hand the reviewer the change').toBeDefined();
      const [diff, ...attempts] = callsOf(played, 'reviewer');
      expect.soft(diff?.result?.text).toMatch(/new file mode[\s\S]*parseCents/);
      expect.soft(diff?.result?.text).toContain("' EUR'");
      expect.soft(attempts.map((call) => [call.name, failed(call)])).toEqual([
        ['Grep', false],
        ['Bash', true],
        ['Edit', true],
        ['Write', true],
      ]);
      const offered = new Set(
        played.of('reviewer').flatMap((request) => (request.body.tools ?? []).map((tool) => tool.name)),
      );
      expect.soft([...offered].sort()).toEqual(['Glob', 'Grep', 'Read']);
      expect.soft(existsSync(join(where.repo, 'reviewed-by-sed'))).toBe(false);
      expect.soft(existsSync(join(where.repo, 'review-notes.md'))).toBe(false);
      expect(readFileSync(join(where.repo, 'src/format.js'), 'utf8')).toBe(edited);
      expect(played.problems).toEqual([]);
    });
  });

  describe('agents that stop early, continued as the fan-in table says', { timeout: 150_000 }, () => {
    it('an agent that needs context is continued with SendMessage and resumes in its worktree with what it knew', async () => {
      const { where, played, briefs, answer, procedure } = await runs.continued;
      expect(toolOf(procedure.fanIn['needs context'], procedure), 'the tool the "needs context" row names').toBe(
        'SendMessage',
      );
      const resumed = played.of('engineer').at(-2)!.body;
      for (const known of [briefs.engineer, 'are prices stored in cents or in euros?', answer])
        expect(requestText(resumed)).toContain(known);
      const [asked, done] = notificationsOf(played.of('main').at(-1)!.body, briefs.engineer);
      expect(asked.result).toMatch(/^Result: needs context/);
      expect(done.result).toMatch(/^Result: done/);
      // It went on in its own worktree, a real one on its own branch.
      expect(readFileSync(join(asked.worktreePath!, 'src/price.js'), 'utf8')).toBe('// Prices are integer cents.\n');
      expect(where.git('-C', asked.worktreePath!, 'branch', '--show-current')).toBe(asked.worktreeBranch);
    });

    it('a denied command is reported as the pitfalls table says, and the agent recovers with an allowed one', async () => {
      const { played, procedure, briefs } = await runs.continued;
      const calls = callsOf(played, 'tester');
      expect.soft(calls[1]?.result?.text).toMatch(/^Permission to use Bash .*has been denied/);
      const tree = install.file('.claude/skills/orchestrator/references/decision-tree.md');
      const pitfall = tree.split('\n').find((line) => line.startsWith('| `Result: blocked`'));
      expect
        .soft(pitfall, 'the pitfall row of a denied command')
        .toMatch(/denied.*\|.*without a terminal.*denied.*\|.*\bcontinue\b/);
      expect.soft(toolOf(pitfall?.split(' | ').at(-1), procedure), 'the tool its remedy names').toBe('SendMessage');
      expect(toolOf(procedure.fanIn.blocked, procedure), 'the tool the "blocked" row names').toBe('SendMessage');
      expect(calls.map((call) => [call.name, failed(call)])).toEqual([
        ['Write', false],
        ['Bash', true],
        ['Bash', false],
      ]);
      expect(calls[2].result!.text).toMatch(/\bpass 2\b/);
      const [blocked, done] = notificationsOf(played.of('main').at(-1)!.body, briefs.tester);
      expect(blocked.result).toMatch(/^Result: blocked\n.*npx vitest run tests/);
      expect(done.result).toMatch(/^Result: done/);
      expect(played.problems).toEqual([]);
    });
  });
});
