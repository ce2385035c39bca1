import { describe, expect, it } from 'vitest';
import { shipped } from '../../generators/io/templates.js';
import { DEFAULT_ANSWERS } from '../../generators/lib/catalogue.js';
import { contentHash } from '../../generators/lib/eol.js';
import type { InstallRecord } from '../../generators/lib/manifest.js';
import {
  type DiskView,
  type InstallInput,
  type Plan,
  planInstall,
  planUninstall,
  settledRecord,
} from '../../generators/lib/plan.js';

/** The planner's policy, without processes or a disk: an in-memory repository and a tiny two-file pack. */
const SKILL = '.claude/skills/tester/SKILL.md';
const AGENT = '.claude/agents/tester.md';
const V1 = 'line one\nline two\nline three\n';
const V2 = 'line one\nline two, better\nline three\n';
const EDITED = 'line one, mine\nline two\nline three\n';

function diskWith(files: Record<string, string>): DiskView {
  return {
    read: (path) => files[path],
    isFolder: (path) => Object.keys(files).some((file) => file.startsWith(`${path}/`)),
  };
}

function recordFor(files: Record<string, string>, extra: Partial<InstallRecord> = {}): InstallRecord {
  return {
    version: '0.1.0',
    answers: { ...DEFAULT_ANSWERS },
    files: Object.fromEntries(Object.entries(files).map(([path, text]) => [path, contentHash(text)])),
    settings: [],
    ...extra,
  };
}

function plan(
  disk: Record<string, string>,
  overrides: Partial<InstallInput> = {},
): { plan: Plan; record: InstallRecord } {
  return planInstall({
    disk: diskWith(disk),
    record: undefined,
    answers: { ...DEFAULT_ANSWERS },
    files: { [SKILL]: V2, [AGENT]: V2 },
    settings: { permissions: { allow: ['Bash(npm test *)'] } },
    packMayOwn: shipped().mayOwn,
    claudeMdSection: undefined,
    version: '0.2.0',
    policy: 'keep',
    now: new Date('2026-01-02T03:04:05.006Z'),
    ...overrides,
  });
}

const summary = (result: { plan: Plan }) => result.plan.lines.map(({ kind, text }) => `${kind} ${text}`);
const written = (result: { plan: Plan }) =>
  Object.fromEntries(
    result.plan.changes.flatMap((change) => (change.kind === 'write' ? [[change.path, change.content]] : [])),
  );
/** settings.json already holding the tiny pack's one rule: these tests look at the files. */
const SETTINGS = { '.claude/settings.json': '{ "permissions": { "allow": ["Bash(npm test *)"] } }\n' };
const deleted = (result: { plan: Plan }) =>
  result.plan.changes.filter((change) => change.kind === 'delete').map((change) => change.path);
const BACKUP = '.claude/ai-pack-backup/2026-01-02T03-04-05-006Z';

describe('planInstall', () => {
  it('a first install writes every file, then settings, then the record last; it records the folders it creates', () => {
    const result = plan({ 'README.md': '# mine\n' });
    expect(result.plan.changes.map((change) => change.path)).toStrictEqual([
      AGENT,
      SKILL,
      '.claude/settings.json',
      '.yo-rc.json',
    ]);
    expect(result.plan.changes.at(-1)).toMatchObject({ stage: 'last' });
    expect(result.record.createdFolders).toStrictEqual([
      '.claude',
      '.claude/agents',
      '.claude/skills',
      '.claude/skills/tester',
    ]);
    expect(result.record.createdSettings).toBe(true);
    expect(summary(result)).toContain(`added ${SKILL}`);
  });

  it("a file the user edited, with --yes: kept, the pack's version beside it, recorded so a deleted one is not offered again", () => {
    const record = recordFor({ [SKILL]: V1, [AGENT]: V2 });
    const first = plan({ [SKILL]: EDITED, [AGENT]: V2, ...SETTINGS }, { record });
    expect(written(first)[`${SKILL}.ai-pack-new`]).toBe(V2);
    expect(first.record.newVersions).toStrictEqual({ [SKILL]: contentHash(V2) });
    expect(first.record.files[SKILL]).toBe(contentHash(V1));

    const again = plan(
      { [SKILL]: EDITED, [AGENT]: V2, [`${SKILL}.ai-pack-new`]: V2, ...SETTINGS },
      { record: first.record },
    );
    expect(again.plan.changes.filter((change) => change.path !== '.yo-rc.json')).toStrictEqual([]);

    const deletedByUser = plan({ [SKILL]: EDITED, [AGENT]: V2 }, { record: first.record });
    expect(written(deletedByUser)[`${SKILL}.ai-pack-new`]).toBeUndefined();
    expect(summary(deletedByUser)).toContain(`kept ${SKILL} (you edited it); you set aside the pack's version of it`);
  });

  it('an .ai-pack-new the user edited is never overwritten: a newer version goes beside it, named with the version', () => {
    const record = recordFor({ [SKILL]: V1, [AGENT]: V2 }, { newVersions: { [SKILL]: contentHash(V1) } });
    const result = plan(
      { [SKILL]: EDITED, [AGENT]: V2, [`${SKILL}.ai-pack-new`]: 'my notes on the new version\n' },
      { record },
    );
    expect(written(result)).toMatchObject({ [`${SKILL}.ai-pack-new-0.2.0`]: V2 });
    expect(written(result)[`${SKILL}.ai-pack-new`]).toBeUndefined();
  });

  it('an older .ai-pack-new the user left as it was is replaced by the newer version', () => {
    const record = recordFor({ [SKILL]: V1, [AGENT]: V2 }, { newVersions: { [SKILL]: contentHash(V1) } });
    const result = plan({ [SKILL]: EDITED, [AGENT]: V2, [`${SKILL}.ai-pack-new`]: V1 }, { record });
    expect(written(result)[`${SKILL}.ai-pack-new`]).toBe(V2);
  });

  it('--force backs the edited file up, then replaces it', () => {
    const result = plan(
      { [SKILL]: EDITED, [AGENT]: V2 },
      { record: recordFor({ [SKILL]: V1, [AGENT]: V2 }), policy: 'force' },
    );
    expect(written(result)).toMatchObject({ [`${BACKUP}/${SKILL}`]: EDITED, [SKILL]: V2 });
    expect(result.record.files[SKILL]).toBe(contentHash(V2));
  });

  it('at the prompt: first an offer; then the answer decides (take backs up and writes, keep writes nothing)', () => {
    const record = recordFor({ [SKILL]: V1, [AGENT]: V2 });
    const asked = plan({ [SKILL]: EDITED, [AGENT]: V2 }, { record, policy: 'ask' });
    expect(asked.plan.offers).toStrictEqual([{ path: SKILL, current: EDITED, proposed: V2, whose: 'you edited it' }]);
    const taken = plan({ [SKILL]: EDITED, [AGENT]: V2 }, { record, policy: 'ask', decisions: { [SKILL]: true } });
    expect(written(taken)).toMatchObject({ [`${BACKUP}/${SKILL}`]: EDITED, [SKILL]: V2 });
    const kept = plan(
      { [SKILL]: EDITED, [AGENT]: V2, ...SETTINGS },
      { record, policy: 'ask', decisions: { [SKILL]: false } },
    );
    expect(Object.keys(written(kept))).toStrictEqual(['.yo-rc.json']);
  });

  it('a clean three-way merge is written after a backup; a conflict falls back to the policy, offering the merged text', () => {
    const record = recordFor({ [SKILL]: V1, [AGENT]: V2 });
    const baseOf = (path: string, hash: string) => (path === SKILL && hash === contentHash(V1) ? V1 : undefined);
    const clean = plan(
      { [SKILL]: EDITED, [AGENT]: V2 },
      { record, baseOf, merge: () => ({ clean: true, text: 'merged\n' }) },
    );
    expect(written(clean)).toMatchObject({ [`${BACKUP}/${SKILL}`]: EDITED, [SKILL]: 'merged\n' });
    expect(summary(clean).some((line) => line.startsWith(`merged ${SKILL}`))).toBe(true);
    const conflict = plan(
      { [SKILL]: EDITED, [AGENT]: V2 },
      { record, baseOf, merge: () => ({ clean: false, text: '<<<<<<<\n' }), policy: 'ask' },
    );
    expect(conflict.plan.offers[0]?.proposed).toBe('<<<<<<<\n');
  });

  it('CRLF line endings are not an edit, and an update keeps them', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const record = recordFor({ [SKILL]: V1, [AGENT]: V2 });
    const result = plan({ [SKILL]: crlf(V1), [AGENT]: crlf(V2) }, { record });
    expect(written(result)[SKILL]).toBe(crlf(V2));
    expect(written(result)[AGENT]).toBeUndefined();
  });

  it('files no longer shipped: unchanged ones go (with their now-empty pack folders), edited ones stay', () => {
    const record = recordFor(
      { [SKILL]: V1, [AGENT]: V1 },
      { createdFolders: ['.claude', '.claude/agents', '.claude/skills', '.claude/skills/tester'] },
    );
    const result = plan({ [SKILL]: EDITED, [AGENT]: V1 }, { record, files: {} });
    expect(deleted(result)).toStrictEqual([AGENT]);
    expect(result.plan.emptiedFolders).toStrictEqual([
      '.claude/skills/tester',
      '.claude/agents',
      '.claude/skills',
      '.claude',
    ]);
    expect(summary(result)).toContain(`kept ${SKILL} (no longer part of the pack, but you edited it)`);
  });

  it('a hand copy is adopted and said to be', () => {
    const result = plan({
      [SKILL]: V2,
      [AGENT]: V2,
      '.claude/settings.json': '{ "permissions": { "allow": ["Bash(npm test *)"] } }\n',
    });
    expect(result.plan.changes.map((change) => change.path)).toStrictEqual(['.yo-rc.json']);
    expect(summary(result)[0]).toMatch(/^adopted 2 pack file\(s\) already here/);
  });

  it('an update writes a pending note first, and the next run settles it from what settings.json holds', () => {
    const record = recordFor({ [SKILL]: V1, [AGENT]: V2 });
    const result = plan({ [SKILL]: V1, [AGENT]: V2, '.claude/settings.json': '{}\n' }, { record });
    const first = result.plan.changes.find((change) => change.stage === 'first');
    expect(first?.kind === 'write' && JSON.parse(first.content)['generator-ai-pack'].pending).toMatchObject({
      settings: result.record.settings,
    });
    const settingsText = written(result)['.claude/settings.json']!;
    const pending = {
      settingsHash: contentHash(settingsText),
      settings: result.record.settings,
      declined: [],
      createdSettings: false,
      createdFolders: ['.claude/x'],
    };
    expect(
      settledRecord({ ...record, pending }, diskWith({ '.claude/settings.json': settingsText }))?.settings,
    ).toStrictEqual(result.record.settings);
    expect(settledRecord({ ...record, pending }, diskWith({ '.claude/settings.json': '{}\n' }))).toStrictEqual({
      ...record,
      createdFolders: ['.claude/x'],
    });
  });
});

describe('planUninstall', () => {
  it("removes the pack's version it put beside a file of the user's (one it never recorded as its own)", () => {
    const record = recordFor({ [AGENT]: V1 }, { newVersions: { [SKILL]: contentHash(V2) } });
    const disk = diskWith({
      [SKILL]: "the user's own skill\n",
      [`${SKILL}.ai-pack-new`]: V2,
      [AGENT]: V1,
      '.yo-rc.json': '{"generator-ai-pack":{}}',
    });
    const result = planUninstall({ disk, record, packVersionsBeside: () => [], packMayOwn: shipped().mayOwn });
    expect(deleted({ plan: result })).toStrictEqual([AGENT, `${SKILL}.ai-pack-new`, '.yo-rc.json']);
  });

  it('removes what the pack wrote and the user left alone, its .ai-pack-new leftovers and the record; keeps edits', () => {
    const record = recordFor(
      { [SKILL]: V1, [AGENT]: V1 },
      { createdFolders: ['.claude', '.claude/agents'], newVersions: { [SKILL]: contentHash(V2) } },
    );
    const result = planUninstall({
      disk: diskWith({
        [SKILL]: EDITED,
        [`${SKILL}.ai-pack-new`]: V2,
        [AGENT]: V1,
        '.yo-rc.json': '{"generator-ai-pack":{}}',
      }),
      record,
      packVersionsBeside: () => [],
      packMayOwn: shipped().mayOwn,
    });
    expect(deleted({ plan: result })).toStrictEqual([AGENT, `${SKILL}.ai-pack-new`, '.yo-rc.json']);
    expect(result.emptiedFolders).toStrictEqual(['.claude/agents', '.claude']);
    expect(result.lines).toContainEqual({ kind: 'kept', text: `${SKILL} (you edited it)` });
  });
});
