import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, SPAWNED_ROLES } from '../generators/lib/catalogue.js';
import { packRoot, templatesRoot } from '../generators/lib/paths.js';
import { type ClientFacts, packClaimProblems, readClientFacts } from './helpers/client-facts.js';

/** Every text file of the pack, plus the CLAUDE.md section, keyed by a readable path. */
function packTexts(): Record<string, string> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  const files = [...walk(packRoot), join(templatesRoot, 'claude-md-section.md.ejs')];
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
