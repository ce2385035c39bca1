// Conformance checks of an installed pack against the real client, the open-standard
// validator and our own frontmatter rules. Small and general: any test can point them at
// a repository (fresh, migrated or updated).
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'skills-ref';
import { packageVersion } from '../../generators/io/paths.js';
import { AiPackError } from '../../generators/lib/errors.js';
import { parseFrontmatter } from '../../generators/lib/frontmatter.js';
import { runClaude, throwAwayHome } from './claude.js';

/**
 * `claude doctor` in `repo`: the `Invalid settings` block it prints (every bad key, type,
 * hook type or event in the settings files), or undefined when the client accepts them.
 * Doctor needs no flags without a TTY and exits 0 either way, hence the block is the result.
 */
export function claudeDoctor(repo: string): string | undefined {
  const home = throwAwayHome();
  // Trust the folder as a user who opened it would; otherwise doctor also warns that it
  // ignores the project's permissions.allow.
  writeFileSync(
    join(home, '.claude.json'),
    JSON.stringify({ projects: { [realpathSync(repo)]: { hasTrustDialogAccepted: true } } }),
  );
  const { stdout, stderr } = runClaude(['doctor'], { cwd: repo, home });
  const lines = (stdout + stderr).split('\n');
  const start = lines.indexOf('Invalid settings');
  if (start === -1) return undefined;
  const length = lines.slice(start).indexOf('');
  return lines.slice(start, length === -1 ? undefined : start + length).join('\n');
}

export interface PluginValidation {
  status: number | null;
  /** The `--json` report: `success`, and `contents[]` listing only the files with errors or warnings. */
  report: { success: boolean; contents: { file: string; errors: unknown[]; warnings: unknown[] }[] } & Record<
    string,
    unknown
  >;
}

/** `claude plugin validate <dir> --strict --json`: a folder such as `.claude`, or a plugin. */
export function pluginValidate(dir: string): PluginValidation {
  const { status, stdout } = runClaude(['plugin', 'validate', dir, '--strict', '--json'], {
    cwd: dir,
    home: throwAwayHome(),
  });
  return { status, report: JSON.parse(stdout) };
}

/**
 * What `skills-ref validate <skillDir>` says (the agentskills.io reference validator), from its library:
 * the same check and messages as its command, without a process per skill.
 */
export async function skillsRefValidate(skillDir: string): Promise<{ ok: boolean; message: string }> {
  const errors = await validate(skillDir);
  return errors.length === 0
    ? { ok: true, message: `Valid skill: ${skillDir}` }
    : {
        ok: false,
        message: [`Validation failed for ${skillDir}:`, ...errors.map((error) => `  - ${error}`)].join('\n'),
      };
}

const ALLOWED_SKILL_KEYS = ['name', 'description', 'license', 'compatibility', 'metadata', 'allowed-tools'];

/**
 * Our own rules for a skill's frontmatter, beyond what the validators check (plugin validate
 * ignores skill frontmatter; skills-ref lets `<` `>` through). Returns the problems, [] = ok.
 */
export function skillFrontmatterProblems(skillDir: string): string[] {
  const file = join(skillDir, 'SKILL.md');
  const folder = skillDir.split(/[\\/]/).filter(Boolean).pop();
  let data: ReturnType<typeof parseFrontmatter>['data'];
  try {
    ({ data } = parseFrontmatter(readFileSync(file, 'utf8'), file));
  } catch (error) {
    if (error instanceof AiPackError) return [error.message];
    throw error;
  }
  const { name, description, metadata } = data;
  const meta: Record<string, string | undefined> =
    typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
  const problems = [
    ...Object.keys(data)
      .filter((key) => !ALLOWED_SKILL_KEYS.includes(key))
      .map((key) => `key "${key}" is not portable`),
    name !== folder && `name "${name}" differs from the folder "${folder}"`,
    !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(String(name)) && `name "${name}" is not lowercase-kebab`,
    !(typeof description === 'string' && description.length >= 1 && description.length <= 1024) &&
      'description must be a string of 1-1024 characters',
    /[<>]/.test(String(description)) && 'description contains < or >',
    meta.version !== packageVersion && `metadata.version "${meta.version}" is not ${packageVersion}`,
    meta.pack !== 'generator-ai-pack' && `metadata.pack "${meta.pack}" is not generator-ai-pack`,
  ];
  return problems
    .filter((problem): problem is string => typeof problem === 'string')
    .map((problem) => `${file}: ${problem}`);
}

/** The skill folders installed in `repo` (each holds a SKILL.md). */
export function skillDirs(repo: string): string[] {
  const root = join(repo, '.claude/skills');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'SKILL.md')))
    .map((entry) => join(root, entry.name));
}

/** Every check above on one repository; [] = the pack conforms. For reuse on migrated or updated repos. */
export async function conformanceProblems(repo: string): Promise<string[]> {
  const problems: string[] = [];
  for (const dir of skillDirs(repo)) {
    const skillsRef = await skillsRefValidate(dir);
    if (!skillsRef.ok) problems.push(`skills-ref: ${skillsRef.message}`);
    problems.push(...skillFrontmatterProblems(dir));
  }
  const plugin = pluginValidate(join(repo, '.claude'));
  if (plugin.status !== 0 || !plugin.report.success)
    problems.push(`plugin validate: ${JSON.stringify(plugin.report.contents)}`);
  const doctor = claudeDoctor(repo);
  if (doctor) problems.push(`claude doctor: ${doctor}`);
  return problems;
}
