import { parseFrontmatter } from '../frontmatter.js';
import { CLIENT_FACTS, type Client, SHARED_SKILLS } from './clients.js';

/**
 * A role's agent in each client's own format, made from the one source: the Claude Code agent
 * (`templates/pack/.claude/agents/<role>.md`). Its name, description and instructions carry over; what keeps
 * the reviewer from changing files (Claude Code's `tools: Read, Grep, Glob`) becomes the client's own way
 * to say it. The formats, as each pinned client reads them:
 * - Codex `.codex/agents/<role>.toml`: `name`, `description` and non-blank `developer_instructions` are
 *   required (a role missing one is silently dropped); `sandbox_mode = "read-only"` keeps it from writing.
 * - Gemini CLI `.gemini/agents/<role>.md`: frontmatter `name`, `description`, `tools` (an unknown key rejects
 *   the file); the body is the system prompt.
 * - Copilot CLI `.github/agents/<role>.agent.md`: `name`, `description`, `tools` as its aliases.
 * - OpenCode `.opencode/agents/<role>.md`: the file name is the name; `mode: subagent`, `permission`.
 * Pure: text in, text out.
 */

interface AgentSource {
  name: string;
  description: string;
  /** The instructions (the Claude agent's body), without leading or trailing blank lines. */
  instructions: string;
  /** The Claude agent has no tool that edits or runs commands. */
  readOnly: boolean;
}

const CHANGING_TOOLS = ['Edit', 'Write', 'Bash', 'NotebookEdit'];

function agentSource(claudeAgent: string, file: string): AgentSource {
  const { data, body } = parseFrontmatter(claudeAgent, file);
  const tools = typeof data.tools === 'string' ? data.tools.split(',').map((tool) => tool.trim()) : undefined;
  return {
    name: String(data.name),
    description: String(data.description),
    instructions: body.trim(),
    readOnly: tools !== undefined && !tools.some((tool) => CHANGING_TOOLS.includes(tool)),
  };
}

/** Where a client without Claude Code's preloading finds the role's skill: named in the instructions. */
function withSkillPath(source: AgentSource): string {
  return `${source.instructions}\nThe skill is \`${SHARED_SKILLS}/${source.name}/SKILL.md\`.\n`;
}

/**
 * The tools of a read-only agent: Gemini CLI's read and search tools and its skill tool (the reviewer loads its
 * skill), Copilot CLI's aliases for reading and searching files.
 */
const READ_TOOLS = {
  gemini: ['read_file', 'read_many_files', 'grep_search', 'glob', 'list_directory', 'activate_skill'],
  copilot: ['read', 'search'],
};

function markdownAgent(frontmatter: string[], source: AgentSource): string {
  return ['---', ...frontmatter, '---', '', withSkillPath(source)].join('\n');
}

/** A TOML multi-line literal string: no escapes, so the instructions stay as written. */
function tomlLiteral(text: string, file: string): string {
  if (text.includes("'''")) throw new Error(`${file}: instructions with ''' cannot be a TOML literal string`);
  return `'''\n${text}'''`;
}

/** The agent file of `client` for the role whose Claude Code agent is `claudeAgent` (at `file`). */
export function renderAgent(client: Exclude<Client, 'claude'>, claudeAgent: string, file: string): string {
  const source = agentSource(claudeAgent, file);
  // JSON strings are valid YAML and TOML double-quoted strings.
  const description = JSON.stringify(source.description);
  switch (client) {
    case 'codex':
      return [
        `# The ${source.name} role of generator-ai-pack (spawn_agent agent_type "${source.name}"), made from ${file}.`,
        `name = ${JSON.stringify(source.name)}`,
        `description = ${description}`,
        ...(source.readOnly ? ['sandbox_mode = "read-only"'] : []),
        `developer_instructions = ${tomlLiteral(withSkillPath(source), file)}`,
        '',
      ].join('\n');
    case 'gemini':
    case 'copilot':
      return markdownAgent(
        [
          `name: ${source.name}`,
          `description: ${description}`,
          ...(source.readOnly ? ['tools:', ...READ_TOOLS[client].map((tool) => `  - ${tool}`)] : []),
        ],
        source,
      );
    case 'opencode':
      return markdownAgent(
        [
          `description: ${description}`,
          'mode: subagent',
          ...(source.readOnly ? ['permission:', '  edit: deny', '  bash: deny'] : []),
        ],
        source,
      );
  }
}

/** Where `client` keeps the agent of `role`. */
export function agentPathOf(client: Client, role: string): string {
  return CLIENT_FACTS[client].agentPath(role);
}
