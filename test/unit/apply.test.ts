import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan, type FileIo, nodeIo } from '../../generators/io/apply.js';
import { Repository } from '../../generators/io/repository.js';
import { packTemplates, shipped } from '../../generators/io/templates.js';
import { type Answers, DEFAULT_ANSWERS } from '../../generators/lib/catalogue.js';
import { packFor } from '../../generators/lib/pack.js';
import { type DiskView, planInstall } from '../../generators/lib/plan.js';
import { recordOf } from '../../generators/lib/record-file.js';
import { snapshot, tempFolder, writeFiles } from '../helpers/repo.js';

function tempRepo(files: Record<string, string> = {}): Repository {
  const root = tempFolder('ai-pack-apply-');
  writeFiles(root, files);
  return new Repository(root);
}

function diskOf(repo: Repository): DiskView {
  return { read: (path) => repo.read(path), isFolder: (path) => repo.isFolder(path) };
}

/** One run of the install as the generator does it (plan from disk, then apply), with `--yes`. */
function install(repo: Repository, answers: Answers, io: FileIo = nodeIo): void {
  const { record } = recordOf(repo.read('.yo-rc.json'), shipped());
  const { plan } = planInstall({
    disk: diskOf(repo),
    record,
    answers,
    ...packFor(answers, packTemplates()),
    packMayOwn: shipped().mayOwn,
    version: '0.1.0',
    policy: 'keep',
    now: new Date(0),
  });
  applyPlan(repo, plan.changes, plan.emptiedFolders, io);
}

class Killed extends Error {}

/** File operations that stop dead at operation number `at`: like `kill -9`, nothing after it runs, not even clean-up. */
function killedAt(at: number): { io: FileIo; reached: () => boolean } {
  let count = 0;
  let dead = false;
  const step =
    <A extends unknown[]>(operation: (...args: A) => void) =>
    (...args: A) => {
      if (dead || ++count === at) {
        dead = true;
        throw new Killed();
      }
      operation(...args);
    };
  return {
    io: {
      ...nodeIo,
      writeFile: step(nodeIo.writeFile),
      rename: step(nodeIo.rename),
      unlink: step(nodeIo.unlink),
      mkdir: step(nodeIo.mkdir),
      rmdir: step(nodeIo.rmdir),
    },
    reached: () => dead,
  };
}

function withoutPending(text: string): string {
  const rc = JSON.parse(text);
  if (!rc['generator-ai-pack'].pending) return text;
  delete rc['generator-ai-pack'].pending;
  return `${JSON.stringify(rc, null, 2)}\n`;
}

const USER_FILES = { 'README.md': '# mine\n', '.claude/settings.json': '{\n  "env": { "A": "1" }\n}\n' };

describe('applyPlan: a kill at any step', () => {
  // The update path: a first install with the npm commands, then a second run changing the test command.
  const before = { ...DEFAULT_ANSWERS };
  const after = {
    ...DEFAULT_ANSWERS,
    testCommand: 'make test',
    skills: DEFAULT_ANSWERS.skills.filter((role) => role !== 'reviewer'),
  };

  function expected(): Record<string, string> {
    const repo = tempRepo(USER_FILES);
    install(repo, before);
    install(repo, after);
    return snapshot(repo.root);
  }

  it('leaves every file old or new, never cut; the next run finishes the job and leaves no temporary file', () => {
    const finished = expected();
    let stepsTried = 0;
    for (let at = 1; ; at++) {
      const repo = tempRepo(USER_FILES);
      install(repo, before);
      const old = snapshot(repo.root);
      const kill = killedAt(at);
      try {
        install(repo, after, kill.io);
      } catch (error) {
        if (!(error instanceof Killed)) throw error;
      }
      if (!kill.reached()) break; // the run got through every step: all kill points are covered
      stepsTried++;
      for (const [path, content] of Object.entries(snapshot(repo.root))) {
        if (/\.ai-pack-\d+-[0-9a-f]{8}\.tmp$/.test(path) || content === '<dir>') continue;
        // The install record may also be the old one plus a note of the update under way.
        const record = path === '.yo-rc.json' ? withoutPending(content) : content;
        expect([old[path], finished[path]], `${path} after a kill at step ${at}`).toContain(record);
      }
      install(repo, after);
      expect(snapshot(repo.root), `rerun after a kill at step ${at}`).toStrictEqual(finished);
    }
    expect(stepsTried).toBeGreaterThan(10);
  });
});

describe('applyPlan: a write that fails (full disk)', () => {
  it('changes nothing: the temporary files and the folders made for them are removed, and the error says so', () => {
    const repo = tempRepo(USER_FILES);
    const before = snapshot(repo.root);
    let writes = 0;
    const full: FileIo = {
      ...nodeIo,
      writeFile: (path, content) => {
        // Like a real full disk: the file is created and part of it written before the error.
        nodeIo.writeFile(path, ++writes === 5 ? content.slice(0, 10) : content);
        if (writes === 5) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    expect(() => install(repo, DEFAULT_ANSWERS, full)).toThrow(
      /^no space left on the device \(ENOSPC\) while writing \S+; nothing was changed\. Fix that and run again\.$/,
    );
    expect(snapshot(repo.root)).toStrictEqual(before);
  });
});

describe('applyPlan: confinement is checked before any write', () => {
  it('a plan naming a path in .git or outside writes nothing at all', () => {
    const repo = tempRepo(USER_FILES);
    const before = snapshot(repo.root);
    for (const path of ['.git/HEAD', '../x', '/etc/x', 'a/../../x', './a']) {
      expect(() =>
        applyPlan(repo, [
          { kind: 'write', path: 'fine.md', content: 'x' },
          { kind: 'write', path, content: 'x' },
        ]),
      ).toThrow(/the path .* (is inside \.git|is not)/);
      expect(snapshot(repo.root)).toStrictEqual(before);
    }
  });

  it("keeps a replaced file's permissions", () => {
    const repo = tempRepo({ 'script.sh': 'old\n' });
    execFileSync('chmod', ['755', join(repo.root, 'script.sh')]);
    applyPlan(repo, [{ kind: 'write', path: 'script.sh', content: 'new\n' }]);
    expect(execFileSync('stat', ['-c', '%a', join(repo.root, 'script.sh')], { encoding: 'utf8' }).trim()).toBe('755');
    expect(readdirSync(repo.root)).toStrictEqual(['script.sh']);
  });
});

describe('applyPlan: every file operation goes through the FileIo it is given', () => {
  it("the writability check, the modes kept and the clearing of a killed run's temporary files too", () => {
    const leftOver = `.a.md.ai-pack-${process.pid}-0123abcd.tmp`;
    const repo = tempRepo({
      'a.md': 'old\n',
      [leftOver]: 'half',
      [`.claude/ai-pack-backup/2020-01-01/${leftOver}`]: 'half',
    });
    const calls: string[] = [];
    const recording = Object.fromEntries(
      Object.entries(nodeIo).map(([name, operation]) => [
        name,
        (path: string, ...rest: unknown[]) => {
          calls.push(`${name} ${path.split('/').at(-1)}`);
          return (operation as (...args: unknown[]) => unknown)(path, ...rest);
        },
      ]),
    ) as unknown as FileIo;
    applyPlan(repo, [{ kind: 'write', path: 'a.md', content: 'new\n' }], [], recording);
    expect(snapshot(repo.root)).toStrictEqual({ 'a.md': 'new\n', '.claude': '<dir>' });
    expect(calls.filter((call) => !call.startsWith('writeFile') && !call.startsWith('rename'))).toStrictEqual(
      expect.arrayContaining([
        expect.stringMatching(/^canWrite /),
        `unlink ${leftOver}`,
        'rmdir 2020-01-01',
        'rmdir ai-pack-backup',
        'modeOf a.md',
      ]),
    );
  });

  it('a folder it says cannot be written stops the run before anything is written', () => {
    const repo = tempRepo({ 'a.md': 'old\n' });
    expect(() =>
      applyPlan(repo, [{ kind: 'write', path: 'a.md', content: 'new\n' }], [], { ...nodeIo, canWrite: () => false }),
    ).toThrow(/^cannot write to \. in .*; nothing was written\.$/);
    expect(snapshot(repo.root)).toStrictEqual({ 'a.md': 'old\n' });
  });
});
