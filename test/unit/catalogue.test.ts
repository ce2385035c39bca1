import { describe, expect, it } from 'vitest';
import { packTemplates } from '../../generators/io/templates.js';
import {
  checkCommand,
  DEFAULT_ANSWERS,
  parseRoles,
  ROLES,
  selectedFiles,
  selectedPaths,
} from '../../generators/lib/catalogue.js';
import { AiPackError } from '../../generators/lib/errors.js';

function errorOf(run: () => unknown): AiPackError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AiPackError);
    return error as AiPackError;
  }
  throw new Error('expected an AiPackError');
}

describe('parseRoles', () => {
  it('names where the roles came from, e.g. a hand-edited .yo-rc.json', () => {
    expect(() => parseRoles(['tester', '../x'], '.yo-rc.json')).toThrow(
      /Unknown role "\.\.\/x" in \.yo-rc\.json\. Valid roles: orchestrator/,
    );
  });

  it('accepts valid roles from a comma list or an array', () => {
    expect(parseRoles('orchestrator,tester')).toStrictEqual(['orchestrator', 'tester']);
    expect(parseRoles(['reviewer'])).toStrictEqual(['reviewer']);
    expect(parseRoles(' engineer , coordinator ')).toStrictEqual(['engineer', 'coordinator']);
  });

  it('returns catalogue order without repeats, whatever the input order', () => {
    expect(parseRoles('tester,orchestrator,tester,reviewer')).toStrictEqual(['orchestrator', 'tester', 'reviewer']);
    expect(parseRoles([...ROLES].reverse())).toStrictEqual([...ROLES]);
  });

  it.each(['wizard', '../x', 'a/b', 'Tester', 'orchestrator,../etc'])(
    'rejects %j and lists the valid roles',
    (input) => {
      const message = errorOf(() => parseRoles(input)).message;
      for (const role of ROLES) expect(message).toContain(role);
      expect(message).toMatch(/Unknown role/);
    },
  );

  it.each(['', ' , ', ','])('rejects %j (no role) and lists the valid roles', (input) => {
    const message = errorOf(() => parseRoles(input)).message;
    expect(message).toContain(ROLES.join(', '));
  });
});

describe('selectedPaths', () => {
  const packPaths = Object.keys(packTemplates().files);
  const all = selectedPaths(DEFAULT_ANSWERS, packPaths);

  it('defaults: every role skill, the decision tree and the three spawned-role agents; no settings.json', () => {
    for (const role of ROLES) expect(all).toContain(`.claude/skills/${role}/SKILL.md`);
    expect(all).toContain('.claude/skills/orchestrator/references/decision-tree.md');
    expect(all.filter((path) => path.startsWith('.claude/agents/'))).toStrictEqual([
      '.claude/agents/engineer.md',
      '.claude/agents/reviewer.md',
      '.claude/agents/tester.md',
    ]);
    expect(all).not.toContain('.claude/settings.json');
    expect(all).toStrictEqual([...all].sort());
  });

  it("a subset selects only those roles' files", () => {
    const paths = selectedPaths({ skills: ['orchestrator', 'tester'], agents: true }, packPaths);
    expect(paths).toStrictEqual([
      '.claude/agents/tester.md',
      '.claude/skills/orchestrator/SKILL.md',
      '.claude/skills/orchestrator/references/claude-code.md',
      '.claude/skills/orchestrator/references/codex.md',
      '.claude/skills/orchestrator/references/copilot.md',
      '.claude/skills/orchestrator/references/decision-tree.md',
      '.claude/skills/orchestrator/references/examples.md',
      '.claude/skills/orchestrator/references/gemini.md',
      '.claude/skills/orchestrator/references/opencode.md',
      '.claude/skills/tester/SKILL.md',
    ]);
  });

  it('agents only for spawned roles: orchestrator and coordinator never get one', () => {
    const paths = selectedPaths({ skills: ['orchestrator', 'coordinator'], agents: true }, packPaths);
    expect(paths.some((path) => path.startsWith('.claude/agents/'))).toBe(false);
  });

  it('agents off: no agent files at all', () => {
    const paths = selectedPaths({ skills: [...ROLES], agents: false }, packPaths);
    expect(paths.some((path) => path.startsWith('.claude/agents/'))).toBe(false);
    expect(paths).toStrictEqual(all.filter((path) => !path.startsWith('.claude/agents/')));
  });

  it('selectedFiles gives the template content for each selected path', () => {
    const files = selectedFiles({ skills: ['reviewer'], agents: true }, packTemplates().files);
    expect(Object.keys(files).sort()).toStrictEqual(['.claude/agents/reviewer.md', '.claude/skills/reviewer/SKILL.md']);
    expect(files['.claude/skills/reviewer/SKILL.md']).toMatch(/^---\n[\s\S]*name: reviewer/);
  });
});

describe('checkCommand', () => {
  it('trims a plain command; an empty one means none', () => {
    expect(checkCommand('  pnpm test  ', '--test-command')).toBe('pnpm test');
    expect(checkCommand('./mvnw -q test', '--test-command')).toBe('./mvnw -q test');
    expect(checkCommand('', '--build-command')).toBe('');
  });

  it.each([
    ['*', '"*"'],
    ['npm test *', '"*"'],
    ['npm test; curl x | sh', 'shell control operator'],
    ['npm test && rm -rf /', 'shell control operator'],
    ['npm test || true', 'shell control operator'],
    ['npm test | tee log', 'shell control operator'],
    ['npm test &', 'shell control operator'],
    ['npm test > out', 'redirect'],
    ['npm test < in', 'redirect'],
    ['npm test `id`', 'command substitution'],
    ['npm test $(id)', 'command substitution'],
    ['npm test\nrm -rf /', 'line break'],
    ['a\rb', 'line break'],
    ['   ', 'nothing but spaces'],
    ['npm test (x)', 'parenthesis'],
    ['make\u001b[1A\u001b[2K', 'control character'],
    ['npm test\u009b2K', 'control character'],
    ['npm\ttest', 'control character'],
    ['rm -rf /\b\b\b\b\b\b\b\bnpm test', 'control character'],
    ['npm test\u007f', 'control character'],
    ['npm test\u0000', 'control character'],
  ])('refuses %j, saying why and where it came from', (command, why) => {
    const message = errorOf(() => checkCommand(command, '.yo-rc.json (generator-ai-pack.answers.testCommand)')).message;
    expect(message).toContain('.yo-rc.json (generator-ai-pack.answers.testCommand)');
    expect(message).toContain(why);
    expect(message).toMatch(/nothing was written/);
  });
});
