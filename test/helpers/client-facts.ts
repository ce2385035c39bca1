// Facts about the pinned Claude Code client, read from its own binary (its bundled JavaScript):
// tool names, the Agent tool's parameters, the agent frontmatter fields, permission modes. The
// anchors below are pieces of that bundle; when an upgrade moves one, `readClientFacts` throws and
// names it, so the facts are re-read on purpose rather than silently assumed.
import { readFileSync } from 'node:fs';
import { claudeBinary } from './claude.js';

export interface ClientFacts {
  /** Every built-in tool name. */
  tools: string[];
  /** Old tool names the client still accepts, and what they stand for (Task → Agent). */
  toolAliases: Record<string, string>;
  /** Tool names the client has removed (TaskOutput, ...). */
  removedTools: string[];
  agentToolParameters: string[];
  agentToolModels: string[];
  agentToolIsolation: string[];
  builtInAgents: string[];
  agentFrontmatterKeys: string[];
  permissionModes: string[];
  /** How many subagents run at once by default. */
  maxConcurrentSubagents: number;
  /** Result fields of a background Agent launch. */
  backgroundLaunchFields: string[];
  /** Whether the binary contains `text` at all (env variable names, ...). */
  mentions(text: string): boolean;
}

/** Parses a JavaScript object literal of string values, `{Task:"Agent",...}`. */
function objectLiteral(source: string): Record<string, string> {
  return Object.fromEntries([...source.matchAll(/(\w+):"(\w+)"/g)].map(([, key, value]) => [key, value]));
}

export function readClientFacts(binary = claudeBinary): ClientFacts {
  const bundle = readFileSync(binary);
  const around = (anchor: string, before: number, after: number, pattern: RegExp): RegExpExecArray => {
    const at = bundle.indexOf(anchor, 0, 'latin1');
    const match =
      at === -1 ? null : pattern.exec(bundle.subarray(Math.max(0, at - before), at + after).toString('latin1'));
    if (!match) throw new Error(`client facts: anchor ${JSON.stringify(anchor)} not found or changed in ${binary}`);
    return match;
  };
  const list = (source: string): string[] => JSON.parse(source);

  const [, tools, aliases] = around('{Task:"Agent"', 3000, 400, /=(\["Agent",[^\]]*\]),\w+=(\{Task:"Agent"[^}]*\})/);
  const [, removed] = around('"TaskOutput","AgentOutputTool"', 300, 300, /new Set\((\[[^\]]*"TaskOutput"[^\]]*\])\)/);
  const [, models] = around('"A short (3-5 word) description of the task"', 0, 200, /^"[^"]*",\w+=(\[[^\]]*\])/);
  const [, builtIn] = around('new Set(["Explore",', 0, 100, /new Set\((\[[^\]]*\])\)/);
  const [schema] = around(
    'subagent_type:r().optional().describe("The type of specialized agent to use for this task")',
    300,
    4000,
    /^[\s\S]*?Mutually exclusive with isolation: "worktree"\./,
  );
  const [, isolation] = around('isolation:U(["worktree"', 0, 60, /(\[[^\]]*\])/);
  const [frontmatter] = around('["name","description","prompt","tools","disallowedTools"', 0, 600, /^\[[^\]]*\]/);
  const [modes] = around('U(["default","acceptEdits","bypassPermissions"', 0, 200, /\[[^\]]*\]/);
  const [, , concurrency] = around(
    'CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS??',
    200,
    100,
    /var (\w+)=(\d+);function \w+\(\)\{return \w+\.CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS\?\?\1\}/,
  );
  const [launch] = around('status:"async_launched",agentId:', 0, 600, /^[^}]*\}/);

  return {
    tools: list(tools),
    toolAliases: objectLiteral(aliases),
    removedTools: list(removed),
    // The schema also defines `cwd`, which the tool the model sees leaves out (`.omit({cwd:!0})`).
    agentToolParameters: [
      ...new Set([...schema.matchAll(/[{,(]([a-z_]+):[A-Za-z]{1,3}\(/g)].map(([, name]) => name)),
    ].filter((name) => name !== 'cwd' || !bundle.includes('.omit({cwd:!0})', 0, 'latin1')),
    agentToolModels: list(models),
    agentToolIsolation: list(isolation),
    builtInAgents: ['general-purpose', ...list(builtIn)],
    agentFrontmatterKeys: list(frontmatter),
    permissionModes: list(modes),
    maxConcurrentSubagents: Number(concurrency),
    backgroundLaunchFields: [...launch.matchAll(/[{,](\w+):/g)].map(([, name]) => name),
    mentions: (text) => bundle.includes(text, 0, 'latin1'),
  };
}

/** CamelCase names of the other clients the pack supports (lib/clients/clients.ts). */
const OTHER_CLIENT_NAMES = ['OpenCode'];

/**
 * What the pack's text claims about the client, checked against `facts`: every tool it names
 * (calls such as `Agent(...)`, `tools:` lists, permission rules, CamelCase tool names in prose),
 * every Agent parameter and value it shows, every agent frontmatter field and value, every
 * `CLAUDE_CODE_*` variable. `files` maps a path to its text; `packSkills` and `packAgents` are the
 * names the pack itself defines. Returns the problems, [] = all claims hold.
 */
export function packClaimProblems(
  files: Record<string, string>,
  facts: ClientFacts,
  pack: { skills: string[]; agents: string[] },
): string[] {
  const problems: string[] = [];
  const isTool = (name: string) => facts.tools.includes(name) || Object.hasOwn(facts.toolAliases, name);
  // The other clients the pack goes into are named where it points at their references: names, not tools.
  const isClientName = (name: string) => OTHER_CLIENT_NAMES.includes(name);
  const agentTypes = [...facts.builtInAgents, ...pack.agents];
  for (const [file, text] of Object.entries(files)) {
    const problem = (what: string) => problems.push(`${file}: ${what}`);
    for (const [, name] of text.matchAll(/\b([A-Z][A-Za-z]+)\(/g))
      if (!isTool(name)) problem(`calls unknown tool ${name}(...)`);
    for (const [, name] of text.matchAll(/\b([A-Z][a-z]+(?:[A-Z][a-z]+)+)\b/g)) {
      if (facts.removedTools.includes(name)) problem(`names ${name}, which the client removed`);
      else if (!isTool(name) && !isClientName(name) && !facts.backgroundLaunchFields.includes(name))
        problem(`names ${name}, not a client tool`);
    }
    for (const [, name] of text.matchAll(/\b(outputFile|agentId)\b/g)) {
      if (!facts.backgroundLaunchFields.includes(name)) problem(`names ${name}, not a field of a background launch`);
    }
    for (const call of text.matchAll(/\bAgent\(([^)]*)\)/g)) {
      for (const [, key] of call[1].matchAll(/\b(\w+):/g))
        if (!facts.agentToolParameters.includes(key)) problem(`Agent(...) has no parameter ${key}`);
    }
    for (const [, value] of text.matchAll(/\bisolation: "(\w+)"/g))
      if (!facts.agentToolIsolation.includes(value)) problem(`isolation "${value}" unknown`);
    for (const [, value] of text.matchAll(/\bmodel: "(\w+)"/g))
      if (!facts.agentToolModels.includes(value)) problem(`model "${value}" unknown`);
    for (const [, value] of text.matchAll(/\bsubagent_type: "([\w-]+)"/g))
      if (!agentTypes.includes(value)) problem(`subagent_type "${value}" is defined nowhere`);
    // Keys are lower-case words (`subagent_type:`, `permissionMode:`); `Result: done` is the pack's own protocol.
    for (const [, key] of text.matchAll(/`([a-z]\w*): /g)) {
      if (!facts.agentToolParameters.includes(key) && !facts.agentFrontmatterKeys.includes(key))
        problem(`\`${key}:\` is neither an Agent parameter nor an agent field`);
    }
    for (const [variable] of text.matchAll(/\bCLAUDE_CODE_[A-Z_]+/g))
      if (!facts.mentions(variable)) problem(`${variable} is unknown to the client`);
    for (const [, count] of text.matchAll(/client itself runs up\s+to (\d+) subagents/g)) {
      if (Number(count) !== facts.maxConcurrentSubagents)
        problem(`says the client runs ${count} subagents at once; it runs ${facts.maxConcurrentSubagents}`);
    }
    if (/:\*\)/.test(text)) problem('uses the legacy `Bash(cmd:*)` rule form; write `Bash(cmd *)`');
    if (file.includes('/agents/')) problems.push(...agentProblems(file, text, facts, pack.skills));
  }
  return problems;
}

function agentProblems(file: string, text: string, facts: ClientFacts, packSkills: string[]): string[] {
  const frontmatter = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? '';
  const problems: string[] = [];
  const value = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(frontmatter)?.[1];
  for (const [, key] of frontmatter.matchAll(/^(\w+):/gm))
    if (!facts.agentFrontmatterKeys.includes(key)) problems.push(`${file}: agent field ${key} unknown`);
  const mode = value('permissionMode');
  if (mode !== undefined && !facts.permissionModes.includes(mode))
    problems.push(`${file}: permissionMode ${mode} unknown`);
  const model = value('model');
  if (model !== undefined && model !== 'inherit' && !facts.agentToolModels.includes(model))
    problems.push(`${file}: model ${model} unknown`);
  for (const tool of (value('tools') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)) {
    if (!facts.tools.includes(tool)) problems.push(`${file}: tools lists ${tool}, not a client tool`);
  }
  for (const [, skill] of frontmatter.matchAll(/^ {2}- (\S+)$/gm))
    if (!packSkills.includes(skill)) problems.push(`${file}: preloads skill ${skill}, which the pack lacks`);
  return problems;
}
