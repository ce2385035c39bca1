import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { updateSettingsText } from '../generators/lib/settings.js';
import {
  claudeDoctor,
  conformanceProblems,
  pluginValidate,
  skillDirs,
  skillFrontmatterProblems,
  skillsRefValidate,
} from './helpers/conformance.js';
import { runInProcess } from './helpers/in-process.js';
import { makeRepo, tempFolder } from './helpers/repo.js';

async function install(args: string[]): Promise<string> {
  const repo = makeRepo();
  const run = await runInProcess(repo, args);
  expect(run.status, run.output).toBe(0);
  return repo;
}

/** Replaces the frontmatter line starting with `key:` in a skill of `repo`. */
function editSkill(repo: string, skill: string, key: string, line: string): string {
  const dir = join(repo, '.claude/skills', skill);
  const file = join(dir, 'SKILL.md');
  writeFileSync(file, readFileSync(file, 'utf8').replace(new RegExp(`^${key}:.*$`, 'm'), line));
  return dir;
}

describe.each([
  ['a fresh --yes install', ['--yes'], ['coordinator', 'engineer', 'orchestrator', 'reviewer', 'tester']],
  [
    '--skills orchestrator,tester --no-agents --test-command pytest',
    ['--yes', '--skills', 'orchestrator,tester', '--no-agents', '--test-command', 'pytest'],
    ['orchestrator', 'tester'],
  ],
])('%s', (_name, args, skills) => {
  let repo: string;
  beforeAll(async () => {
    repo = await install(args);
  });

  it('installs the chosen skills', () => {
    expect(skillDirs(repo).map((dir) => dir.split('/').pop())).toEqual(skills);
  });

  it('passes skills-ref, our frontmatter rules, plugin validate --strict and claude doctor', async () => {
    expect(await conformanceProblems(repo)).toEqual([]);
  });
});

describe('each check catches a broken file', () => {
  let installed: string;
  let repo: string;
  beforeAll(async () => {
    installed = await install(['--yes']);
  });
  // Each test breaks its own copy of one install.
  beforeEach(() => {
    repo = tempFolder('ai-pack-broken-');
    cpSync(installed, repo, { recursive: true });
  });

  it('claude doctor reports an unknown hook event (onSessionStart under hooks)', () => {
    const broken = makeRepo({
      '.claude/settings.json': JSON.stringify({
        hooks: { onSessionStart: [{ hooks: [{ type: 'command', command: 'true' }] }] },
      }),
    });
    expect(claudeDoctor(broken)).toMatch(/^Invalid settings\n.*hooks\.onSessionStart: Unknown hook event/);
  });

  it('claude doctor reports a value of the wrong type', () => {
    const broken = makeRepo({ '.claude/settings.json': JSON.stringify({ model: 5 }) });
    expect(claudeDoctor(broken)).toContain('model: Expected string');
  });

  it('plugin validate fails on unparsable skill frontmatter', () => {
    editSkill(repo, 'engineer', 'description', 'description: "unclosed');
    const { status, report } = pluginValidate(join(repo, '.claude'));
    expect(status).toBe(1);
    expect(report.success).toBe(false);
    expect(report.contents.map((entry) => entry.file)).toEqual([join(repo, '.claude/skills/engineer/SKILL.md')]);
  });

  it('skills-ref rejects a name that differs from the folder', async () => {
    const dir = editSkill(repo, 'tester', 'name', 'name: testers');
    expect(await skillsRefValidate(dir)).toEqual({
      ok: false,
      message: expect.stringContaining("must match skill name 'testers'"),
    });
  });

  it('plugin validate --strict fails on an agent without a description', () => {
    writeFileSync(join(repo, '.claude/agents/tester.md'), '---\nname: tester\n---\nYou test.\n');
    expect(pluginValidate(join(repo, '.claude')).status).toBe(1);
  });

  it('our rules reject what the validators let through: < > in a description, a stale version', async () => {
    const dir = editSkill(repo, 'reviewer', 'description', 'description: Reviews <b>code</b>.');
    const metadata = join(dir, 'SKILL.md');
    writeFileSync(metadata, readFileSync(metadata, 'utf8').replace(/version: ".*"/, 'version: "0.0.1"'));
    expect((await skillsRefValidate(dir)).ok).toBe(true);
    expect(skillFrontmatterProblems(dir).map((problem) => problem.replace(/^.*SKILL\.md: /, ''))).toEqual([
      'description contains < or >',
      expect.stringMatching(/^metadata.version "0.0.1" is not /),
    ]);
  });

  it('our rules reject a non-portable key and unparsable frontmatter', () => {
    const dir = editSkill(repo, 'reviewer', 'description', 'description: x\nwhen_to_use: always');
    expect(skillFrontmatterProblems(dir)).toEqual([expect.stringMatching(/key "when_to_use" is not portable$/)]);
    editSkill(repo, 'reviewer', 'description', 'description: [a, b]');
    expect(skillFrontmatterProblems(dir)).toEqual([expect.stringMatching(/SKILL\.md:3: unsupported YAML/)]);
  });

  it('conformanceProblems collects the failures of every check', async () => {
    mkdirSync(join(repo, '.claude/skills/Bad_Name'));
    writeFileSync(join(repo, '.claude/skills/Bad_Name/SKILL.md'), '---\nname: Bad_Name\ndescription: x\n---\n');
    writeFileSync(join(repo, '.claude/agents/tester.md'), '---\nname: tester\n---\n');
    writeFileSync(join(repo, '.claude/settings.json'), '{"model": 5}');
    const problems = (await conformanceProblems(repo)).join('\n');
    for (const source of ['skills-ref:', 'is not lowercase-kebab', 'plugin validate:', 'claude doctor:'])
      expect(problems).toContain(source);
  });
});

// The settings migration (generators/lib/settings.ts) against the client it migrates for.
describe('the migrated settings and the real client', () => {
  it('claude doctor finds the odd shapes invalid before the migration and valid after it', () => {
    const file = '.claude/settings.json';
    const source = readFileSync(join(import.meta.dirname, 'fixtures/settings/enforcement-odd-shapes.json'), 'utf8');
    const repo = makeRepo({ [file]: source });
    expect(claudeDoctor(repo)).toMatch(/Invalid settings/);
    writeFileSync(
      join(repo, file),
      updateSettingsText({ text: source, file, pack: {}, recorded: [], declined: [] }).text!,
    );
    expect(claudeDoctor(repo)).toBeUndefined();
  });
});
