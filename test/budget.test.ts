import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUDGETS,
  committedFiguresFile,
  flatten,
  measurePack,
  measureText,
  overBudget,
  parsePluginDetails,
  type TokenFigures,
} from './bench/budget.ts';
import { skillDirs } from './helpers/conformance.js';
import { runInProcess } from './helpers/in-process.js';
import { makeRepo } from './helpers/repo.js';

/**
 * How far a measured figure may drift from the committed one before the test fails: 5%, and
 * at least 10 tokens (one rounding step of the client below 1k). A larger change must update
 * docs/token-budget.json on purpose: `node test/bench/bench.ts --update-budget`.
 */
const tolerance = (committed: number) => Math.max(10, committed * 0.05);

const sampleOverBudget = `ai-pack
  Source: ai-pack@skills-dir

Component inventory
  Skills (2)  orchestrator, tester
  Agents (1)  tester

Projected token cost
  Always-on:   ~1.2k tok   added to every session

Per-component (rounded)
  component     always-on  on-invoke
  orchestrator        ~50       ~2.4k
  tester             < 20       ~460
  tester              ~30        ~70

  On-invoke cost is paid each time a skill or agent fires.
`;

describe('reading the client and judging figures', () => {
  it('parses `claude plugin details`: skills first, then agents with the same names', () => {
    expect(parsePluginDetails(sampleOverBudget)).toEqual({
      alwaysOn: 1200,
      skills: { orchestrator: { alwaysOn: 50, onInvoke: 2400 }, tester: { alwaysOn: 20, onInvoke: 460 } },
      agents: { tester: { alwaysOn: 30, onInvoke: 70 } },
    });
  });

  it('reports every figure over its budget', () => {
    const references = {
      'skills/orchestrator/references/decision-tree.md': 3600,
      'skills/orchestrator/references/examples.md': 3400,
    };
    const figures: TokenFigures = { ...parsePluginDetails(sampleOverBudget), references };
    expect(overBudget(figures)).toEqual([
      'always-on 1200 > 400 tokens',
      'skill orchestrator on invoke 2400 > 1500 tokens',
      'reference skills/orchestrator/references/decision-tree.md 3600 > 3500 tokens',
    ]);
  });

  it('fails loudly on output it does not recognise', () => {
    expect(() => parsePluginDetails('Plugin not found')).toThrow(/unexpected `claude plugin details` output/);
  });
});

describe('the installed pack, measured by the real client', () => {
  let repo: string;
  let figures: TokenFigures;
  beforeAll(async () => {
    repo = makeRepo();
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    figures = measurePack(repo);
  });

  it('stays within every token budget', () => {
    expect(overBudget(figures)).toEqual([]);
  });

  it('matches the committed figures in docs/token-budget.json', () => {
    const committed = new Map(flatten(JSON.parse(readFileSync(committedFiguresFile, 'utf8')).figures));
    const measured = new Map(flatten(figures));
    expect([...measured.keys()].sort()).toEqual([...committed.keys()].sort());
    const drifted = [...measured].filter(
      ([label, tokens]) => Math.abs(tokens - committed.get(label)!) > tolerance(committed.get(label)!),
    );
    expect(drifted.map(([label, tokens]) => `${label}: measured ${tokens}, committed ${committed.get(label)}`)).toEqual(
      [],
    );
  });

  it('with other clients beside it, what Claude Code loads in every session (the pack and the AGENTS.md section it reads too) stays within the always-on budget', async () => {
    const mixed = makeRepo();
    expect((await runInProcess(mixed, ['--yes', '--clients', 'claude,codex,copilot,opencode'])).status).toBe(0);
    const section = measureText(readFileSync(join(mixed, 'AGENTS.md'), 'utf8'));
    expect(section).toBeLessThanOrEqual(50);
    expect(figures.alwaysOn + section).toBeLessThanOrEqual(BUDGETS.alwaysOn);
  });

  it(`keeps every SKILL.md under ${BUDGETS.skillLines} lines`, () => {
    const lineCounts = skillDirs(repo).map(
      (dir) => [dir, readFileSync(join(dir, 'SKILL.md'), 'utf8').split('\n').length] as const,
    );
    expect(lineCounts.filter(([, lines]) => lines > BUDGETS.skillLines)).toEqual([]);
  });
});
