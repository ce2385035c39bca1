// Token cost of an installed pack, measured by the real client (`claude plugin details`).
// Shared by test/budget.test.ts and the bench; node built-ins and `.ts` imports only, so
// plain `node` (type stripping) can run it.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClaude, throwAwayHome } from '../helpers/claude.ts';

interface ComponentCost {
  alwaysOn: number;
  onInvoke: number;
}

export interface TokenFigures {
  /** Added to every session: all skill and agent descriptions together. */
  alwaysOn: number;
  skills: Record<string, ComponentCost>;
  agents: Record<string, ComponentCost>;
  /** Cost of each reference document (`skills/<skill>/references/<file>.md`), read only when needed. */
  references: Record<string, number>;
}

/** The budgets from the issue. Raising one is a product decision, not a test fix. */
export const BUDGETS = { alwaysOn: 400, skillOnInvoke: 1500, skillLines: 500, reference: 3500 };

/** The client's rounded figures: `~333`, `~2.2k`, `< 20` (read as its upper bound). */
function parseTokens(figure: string): number {
  const match = /^(?:~([\d.]+)(k?)|<\s*(\d+))$/.exec(figure.trim());
  if (!match) throw new Error(`unreadable token figure "${figure}"`);
  return match[3] ? Number(match[3]) : Math.round(Number(match[1]) * (match[2] ? 1000 : 1));
}

/**
 * Reads `claude plugin details` output. The per-component table lists skills first, then
 * agents, under the same names, so the inventory's "Skills (n)" says where agents start.
 */
export function parsePluginDetails(output: string): Omit<TokenFigures, 'references'> {
  const alwaysOn = /Always-on:\s+(\S+(?: \d+)?) tok/.exec(output)?.[1];
  const skillCount = /Skills \((\d+)\)/.exec(output)?.[1];
  const table = output.split(/^\s*component\s+always-on\s+on-invoke\s*$/m)[1];
  if (alwaysOn === undefined || skillCount === undefined || table === undefined) {
    throw new Error(`unexpected \`claude plugin details\` output:\n${output}`);
  }
  const rows = [...table.matchAll(/^\s+(\S+)\s+(~\S+|<\s*\d+)\s+(~\S+|<\s*\d+)\s*$/gm)].map(
    ([, name, always, invoke]) => [name, { alwaysOn: parseTokens(always), onInvoke: parseTokens(invoke) }] as const,
  );
  return {
    alwaysOn: parseTokens(alwaysOn),
    skills: Object.fromEntries(rows.slice(0, Number(skillCount))),
    agents: Object.fromEntries(rows.slice(Number(skillCount))),
  };
}

/** Lays `components` out as `$HOME/.claude/skills/<name>/`, which the client loads as `<name>@skills-dir`. */
function pluginDetails(home: string, name: string, components: Record<string, string>): string {
  const root = join(home, '.claude/skills', name);
  mkdirSync(join(root, '.claude-plugin'), { recursive: true });
  writeFileSync(join(root, '.claude-plugin/plugin.json'), JSON.stringify({ name }));
  for (const [folder, source] of Object.entries(components)) cpSync(source, join(root, folder), { recursive: true });
  const { status, stdout, stderr } = runClaude(['plugin', 'details', `${name}@skills-dir`], { cwd: home, home });
  if (status !== 0) throw new Error(`claude plugin details ${name} failed: ${stderr}`);
  return stdout;
}

/**
 * Tokens of a text the client loads into every session besides the pack (the AGENTS.md section it reads), priced
 * like a reference: wrapped as a stand-in skill whose frontmatter (under 20 tokens) counts too, so it is an upper bound.
 */
export function measureText(text: string): number {
  const home = throwAwayHome();
  try {
    const skill = join(home, 'stand-ins/text');
    mkdirSync(skill, { recursive: true });
    writeFileSync(join(skill, 'SKILL.md'), `---\nname: text\ndescription: x\n---\n${text}`);
    return parsePluginDetails(pluginDetails(home, 'text-probe', { skills: join(home, 'stand-ins') })).skills.text
      .onInvoke;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Measures the pack installed in `repo` (its `.claude` folder). About 1 s: two client runs. */
export function measurePack(repo: string): TokenFigures {
  const home = throwAwayHome();
  try {
    return measureIn(home, repo);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function measureIn(home: string, repo: string): TokenFigures {
  const claudeDir = join(repo, '.claude');
  const components = Object.fromEntries(
    ['skills', 'agents']
      .filter((folder) => existsSync(join(claudeDir, folder)))
      .map((folder) => [folder, join(claudeDir, folder)]),
  );
  const pack = parsePluginDetails(pluginDetails(home, 'ai-pack', components));

  // The client prices only skills and agents, so each reference is wrapped as a stand-in skill
  // whose frontmatter is negligible (< 20 tokens) and read by its on-invoke figure.
  const standIns = join(home, 'stand-ins');
  const labels = new Map<string, string>();
  for (const [index, file] of referenceFiles(claudeDir).entries()) {
    const name = `ref${index}`;
    labels.set(name, file);
    mkdirSync(join(standIns, name), { recursive: true });
    writeFileSync(
      join(standIns, name, 'SKILL.md'),
      `---\nname: ${name}\ndescription: x\n---\n${readFileSync(join(claudeDir, file), 'utf8')}`,
    );
  }
  if (labels.size === 0) return { ...pack, references: {} };
  const probe = parsePluginDetails(pluginDetails(home, 'references-probe', { skills: standIns }));
  return {
    ...pack,
    references: Object.fromEntries([...labels].map(([name, file]) => [file, probe.skills[name].onInvoke])),
  };
}

/** `skills/<skill>/references/<file>.md` under `claudeDir`, sorted. */
function referenceFiles(claudeDir: string): string[] {
  const skills = join(claudeDir, 'skills');
  if (!existsSync(skills)) return [];
  return readdirSync(skills)
    .flatMap((skill) => {
      const folder = join(skills, skill, 'references');
      return existsSync(folder)
        ? readdirSync(folder)
            .filter((file) => file.endsWith('.md'))
            .map((file) => `skills/${skill}/references/${file}`)
        : [];
    })
    .sort();
}

/** Every figure over its budget, as readable lines; [] = within budget. */
export function overBudget(figures: TokenFigures): string[] {
  return [
    figures.alwaysOn > BUDGETS.alwaysOn && `always-on ${figures.alwaysOn} > ${BUDGETS.alwaysOn} tokens`,
    ...Object.entries(figures.skills).map(
      ([name, cost]) =>
        cost.onInvoke > BUDGETS.skillOnInvoke &&
        `skill ${name} on invoke ${cost.onInvoke} > ${BUDGETS.skillOnInvoke} tokens`,
    ),
    ...Object.entries(figures.references).map(
      ([file, tokens]) => tokens > BUDGETS.reference && `reference ${file} ${tokens} > ${BUDGETS.reference} tokens`,
    ),
  ].filter((line): line is string => typeof line === 'string');
}

/** The committed figures: a change that moves the pack's cost must update them on purpose. */
export const committedFiguresFile = new URL('../../docs/token-budget.json', import.meta.url);

/** Figures as `[label, tokens]` rows, for printing and for comparing with the committed ones. */
export function flatten(figures: TokenFigures): [string, number][] {
  return [
    ['always-on (whole pack)', figures.alwaysOn],
    ...Object.entries(figures.skills).flatMap(([name, cost]): [string, number][] => [
      [`skill ${name} always-on`, cost.alwaysOn],
      [`skill ${name} on invoke`, cost.onInvoke],
    ]),
    ...Object.entries(figures.agents).flatMap(([name, cost]): [string, number][] => [
      [`agent ${name} always-on`, cost.alwaysOn],
      [`agent ${name} on invoke`, cost.onInvoke],
    ]),
    ...Object.entries(figures.references).map(([file, tokens]): [string, number] => [
      `reference ${file} on read`,
      tokens,
    ]),
  ];
}
