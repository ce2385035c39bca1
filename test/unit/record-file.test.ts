import { describe, expect, it } from 'vitest';
import { JsonDocument } from '../../generators/lib/json-edit.js';
import type { InstallRecord } from '../../generators/lib/manifest.js';
import { recordText } from '../../generators/lib/record-file.js';

const record: InstallRecord = {
  version: '0.2.0',
  answers: { skills: ['tester'], testCommand: 'make test' },
  files: { '.claude/skills/tester/SKILL.md': 'ab12' },
  settings: [],
};
const update: InstallRecord = { ...record, version: '0.3.0', files: {} };

/** Other generators' entries, laid out as people and tools write them. */
const layouts = {
  'Yeoman (2 spaces)': '{\n  "generator-other": {\n    "label": "x"\n  }\n}\n',
  'one line': '{"generator-other":{"label":"x","n":[1,2,3]}}\n',
  'one line, spaced': '{ "generator-other": { "label": "x" } }',
  'an inline entry in a block': '{\n  "generator-other": {"label": "x", "n": [1, 2, 3]}\n}\n',
  tabs: '{\n\t"generator-other": {\t"label":1 }\n}\n',
  'CRLF, 4 spaces': '{\r\n    "generator-other": {\r\n        "label": "Caf\uDCE9"\r\n    }\r\n}\r\n',
  'closing brace on the last line': '{\n  "a": 1}\n',
};

describe("recordText: the install record goes in and out of .yo-rc.json, every byte of the others' entries kept", () => {
  for (const [name, text] of Object.entries(layouts)) {
    it(name, () => {
      const installed = recordText(text, record)!;
      expect(JSON.parse(installed)['generator-ai-pack']).toStrictEqual(record);
      // Everything up to the end of the last entry is as it was: the record is added after it.
      const last = new JsonDocument(text).nodeAt([Object.keys(JSON.parse(text)).at(-1)!])!;
      expect(installed.startsWith(text.slice(0, last.offset + last.length))).toBe(true);
      const updated = recordText(installed, update)!;
      expect(JSON.parse(updated)['generator-ai-pack']).toStrictEqual(update);
      expect(recordText(updated, undefined)).toBe(text);
      expect(recordText(installed, undefined)).toBe(text);
    });
  }

  it('a file that held only the record goes; a new file is written as Yeoman writes it', () => {
    const created = recordText(undefined, record)!;
    expect(created).toBe(`${JSON.stringify({ 'generator-ai-pack': record }, null, 2)}\n`);
    expect(recordText(created, undefined)).toBeUndefined();
  });
});
