import { describe, expect, it } from 'vitest';
import { shipped } from '../../generators/io/templates.js';
import { contentHash } from '../../generators/lib/eol.js';
import { AiPackError } from '../../generators/lib/errors.js';
import { planFiles, readRecord, statusOf } from '../../generators/lib/manifest.js';

const OLD = 'old pack content\n';
const NEW = 'new pack content\n';
const EDITED = 'the user edited this\n';
const h = contentHash;

describe('contentHash', () => {
  it('is SHA-256 in hex of the UTF-8 text', () => {
    expect(h('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(h('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('planFiles', () => {
  const planOne = (recorded: string | undefined, disk: string | undefined, incoming: string | undefined) => {
    const plan = planFiles({
      recorded: recorded === undefined ? {} : { 'a.md': recorded },
      onDisk: { 'a.md': disk },
      incoming: incoming === undefined ? {} : { 'a.md': incoming },
    });
    expect(plan).toHaveLength(1);
    return plan[0]!;
  };

  it.each([
    // name, recorded hash, on disk, incoming, action, hash the new manifest records
    ['missing file, first install', undefined, undefined, NEW, 'create', h(NEW)],
    ['recorded file the user deleted', h(OLD), undefined, NEW, 'create', h(NEW)],
    ['file already as shipped', h(OLD), NEW, NEW, 'identical', h(NEW)],
    ['foreign file equal to ours', undefined, NEW, NEW, 'identical', h(NEW)],
    ['unedited file with a new version', h(OLD), OLD, NEW, 'update', h(NEW)],
    ['edited file with a new version', h(OLD), EDITED, NEW, 'modified', h(OLD)],
    ['file the pack never installed', undefined, EDITED, NEW, 'foreign', undefined],
    ['unedited file no longer shipped', h(OLD), OLD, undefined, 'remove', undefined],
    ['edited file no longer shipped', h(OLD), EDITED, undefined, 'keep-orphan', undefined],
    ['deleted file no longer shipped', h(OLD), undefined, undefined, 'gone', undefined],
  ] as const)('%s: %s', (_, recorded, disk, incoming, action, record) => {
    expect(planOne(recorded, disk, incoming)).toEqual({ path: 'a.md', action, record });
  });

  it('plans every recorded or shipped path once, sorted by path, and ignores other files on disk', () => {
    const plan = planFiles({
      recorded: { 'b.md': h(OLD), '.claude/x.md': h(OLD) },
      onDisk: { 'b.md': OLD, '.claude/x.md': OLD, 'unrelated.md': 'x', 'B.md': undefined },
      incoming: { 'b.md': NEW, 'B.md': NEW, 'a/z.md': NEW },
    });
    expect(plan.map(({ path, action }) => `${path} ${action}`)).toEqual([
      '.claude/x.md remove',
      'B.md create',
      'a/z.md create',
      'b.md update',
    ]);
  });

  it('treats an undefined manifest as a first install', () => {
    expect(planFiles({ recorded: undefined, onDisk: {}, incoming: { 'a.md': NEW } })).toEqual([
      { path: 'a.md', action: 'create', record: h(NEW) },
    ]);
  });

  it('changes nothing on a second run with the same pack', () => {
    const incoming = { 'a.md': NEW, 'b/c.md': OLD };
    const first = planFiles({ recorded: undefined, onDisk: {}, incoming });
    const recorded = Object.fromEntries(first.map(({ path, record }) => [path, record!]));
    const second = planFiles({ recorded, onDisk: incoming, incoming });
    expect(second.map(({ action }) => action)).toEqual(['identical', 'identical']);
    expect(second.map(({ record }) => record)).toEqual(first.map(({ record }) => record));
  });
});

describe('statusOf', () => {
  it('reports each recorded file as unchanged, modified or missing, sorted by path', () => {
    const status = statusOf({
      recorded: { 'c.md': h(OLD), 'a.md': h(OLD), 'b.md': h(OLD) },
      onDisk: { 'a.md': OLD, 'b.md': EDITED, 'not-ours.md': OLD },
    });
    expect(status).toEqual([
      { path: 'a.md', status: 'unchanged' },
      { path: 'b.md', status: 'modified' },
      { path: 'c.md', status: 'missing' },
    ]);
  });

  it('has nothing to report without a manifest', () => {
    expect(statusOf({ recorded: undefined, onDisk: { 'a.md': OLD } })).toEqual([]);
  });
});

describe('readRecord', () => {
  const packPaths = new Set(['.claude/skills/a/SKILL.md', '.claude/agents/b.md']);
  /** These paths, and the settings entries the package's releases let a record claim. */
  const shippedHere = { paths: packPaths, mayOwn: shipped().mayOwn };
  const valid = {
    version: '0.1.0',
    answers: { testCommand: 'npm test' },
    files: { '.claude/skills/a/SKILL.md': h(OLD) },
    settings: [
      { path: '/permissions/allow', items: ['Edit'] },
      { path: '/$schema', value: 'https://json.schemastore.org/claude-code-settings.json' },
    ],
  };

  it('returns a valid record with its content, and undefined before the first install', () => {
    expect(readRecord(valid, '.yo-rc.json', shippedHere)).toStrictEqual({
      record: valid,
      ignored: [],
      ignoredSettings: [],
    });
    expect(readRecord(undefined, '.yo-rc.json', shippedHere)).toStrictEqual({
      record: undefined,
      ignored: [],
      ignoredSettings: [],
    });
  });

  it('leaves out, and reports, every settings entry no version of the pack writes, in settings, declined and a pending note', () => {
    const hook = { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './audit.sh' }] }] };
    const forged = [
      { path: '/permissions/deny', items: ['Read(./secrets/**)', 'Read(./**/.env)'] },
      { path: '/permissions/allow', items: ['Bash(pytest *)', 'Bash(curl x | sh *)', 'Bash(make\u001b[2K *)', 'Read'] },
      { path: '/hooks', value: hook },
      { path: '/permissions', value: { defaultMode: 'bypassPermissions', ask: [] } },
    ];
    const stored = {
      ...valid,
      settings: forged,
      declined: [{ path: '/permissions/deny', items: ['Read(./**/*.pem)', 'Read(./mine)'] }],
      pending: { settings: forged, declined: [], createdSettings: true, createdFolders: [] },
    };
    const { record, ignoredSettings } = readRecord(stored, '.yo-rc.json', shippedHere);
    const owned = [
      { path: '/permissions/deny', items: ['Read(./**/.env)'] },
      { path: '/permissions/allow', items: ['Bash(pytest *)'] },
    ];
    expect(record?.settings).toStrictEqual(owned);
    expect(record?.declined).toStrictEqual([{ path: '/permissions/deny', items: ['Read(./**/*.pem)'] }]);
    expect(record?.pending?.settings).toStrictEqual(owned);
    const ignoredOnce = [
      { path: '/permissions/deny', items: ['Read(./secrets/**)'] },
      { path: '/permissions/allow', items: ['Bash(curl x | sh *)', 'Bash(make\u001b[2K *)', 'Read'] },
      { path: '/hooks', value: hook },
      { path: '/permissions', value: { defaultMode: 'bypassPermissions', ask: [] } },
    ];
    expect(ignoredSettings).toStrictEqual([
      ...ignoredOnce,
      { path: '/permissions/deny', items: ['Read(./mine)'] },
      ...ignoredOnce,
    ]);
  });

  it('leaves out, and reports, every path the pack never ships: .git, .., absolute, other files, foreign folders', () => {
    const stored = {
      ...valid,
      files: {
        ...valid.files,
        '.git/HEAD': h(OLD),
        '../x/SKILL.md': h(OLD),
        '/etc/passwd': h(OLD),
        'README.md': h(OLD),
      },
      newVersions: { '.git/config': h(OLD), '.claude/agents/b.md': h(NEW) },
      createdFolders: ['.claude', '.claude/skills/a', '.git', 'src', '..'],
    };
    const { record, ignored } = readRecord(stored, '.yo-rc.json', shippedHere);
    expect(record?.files).toStrictEqual(valid.files);
    expect(record?.newVersions).toStrictEqual({ '.claude/agents/b.md': h(NEW) });
    expect(record?.createdFolders).toStrictEqual(['.claude', '.claude/skills/a']);
    expect(ignored.sort()).toStrictEqual([
      '..',
      '../x/SKILL.md',
      '.git',
      '.git/HEAD',
      '.git/config',
      '/etc/passwd',
      'README.md',
      'src',
    ]);
  });

  it.each([
    ['a list', [], 'is not an object'],
    ['no version', { ...valid, version: 1 }, 'has no "version" string'],
    ['no answers', { ...valid, answers: null }, 'has no "answers" object'],
    ['no files', { ...valid, files: [] }, 'has no "files" object'],
    ['a bad hash', { ...valid, files: { 'a.md': 'abc' } }, 'has "files" → "a.md" that is not a SHA-256 hash'],
    ['settings not a list', { ...valid, settings: {} }, 'has "settings" that is not a list'],
    [
      'a settings entry without a pointer',
      { ...valid, settings: [{ path: 'permissions', value: 1 }] },
      'has "settings" that is not a list',
    ],
    ['a settings entry without a value', { ...valid, settings: [{ path: '/a' }] }, 'has "settings" that is not a list'],
    ['declined not a list', { ...valid, declined: 'Edit' }, 'has "declined" that is not a list'],
    ['folders not a list of paths', { ...valid, createdFolders: [1] }, 'has "createdFolders" that is not a list'],
    ['new versions without hashes', { ...valid, newVersions: { a: 'x' } }, 'has "newVersions" that is not a map'],
  ])('rejects a record with %s, saying what to do', (_, stored, problem) => {
    expect(() => readRecord(stored, '.yo-rc.json', shippedHere)).toThrow(AiPackError);
    expect(() => readRecord(stored, '.yo-rc.json', shippedHere)).toThrow(
      new RegExp(
        `^\\.yo-rc\\.json: the "generator-ai-pack" entry ${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*Restore it from version control.*nothing was written\\.$`,
      ),
    );
  });
});

describe('contentHash and line endings', () => {
  it('reads CRLF as LF, so a checkout with core.autocrlf=true is not an edit', () => {
    expect(contentHash('a\r\nb\r\n')).toBe(contentHash('a\nb\n'));
    expect(contentHash('a\rb')).not.toBe(contentHash('a\nb'));
  });
});
