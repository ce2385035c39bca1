import { describe, expect, it } from 'vitest';
import { everShippedSettings } from '../../generators/io/releases.js';
import { packTemplates, shipped } from '../../generators/io/templates.js';
import { DEFAULT_ANSWERS } from '../../generators/lib/catalogue.js';
import { packFor } from '../../generators/lib/pack.js';
import { parseMarketplaceSource, pluginProjectSettings } from '../../generators/lib/plugin.js';
import { type Piece, piecesOf } from '../../generators/lib/settings.js';

const rule = (list: 'allow' | 'deny' | 'ask', value: unknown): Piece => ({
  kind: 'item',
  keys: ['permissions', list],
  value,
});
const value = (keys: string[], content: unknown): Piece => ({ kind: 'value', keys, value: content });
/** What the package's releases and templates let a record claim (lib/settings-claims.ts, fed by io/releases.ts). */
const packMayOwn = shipped().mayOwn;
const template = packTemplates().settings;

describe('packMayOwn: what an install record may claim as the pack’s', () => {
  it('every entry of every release’s settings, and of what the pack writes today for any answers and plugin source', () => {
    const today = [
      packFor({ ...DEFAULT_ANSWERS, testCommand: 'uv run pytest', buildCommand: '' }, packTemplates()).settings!,
      packFor({ ...DEFAULT_ANSWERS, testCommand: '', buildCommand: '' }, packTemplates()).settings!,
      pluginProjectSettings(template, DEFAULT_ANSWERS, parseMarketplaceSource('acme/ai-pack-fork')),
      pluginProjectSettings(template, DEFAULT_ANSWERS, parseMarketplaceSource('git@example.com:acme/pack.git')),
      pluginProjectSettings(template, DEFAULT_ANSWERS, parseMarketplaceSource('/srv/marketplaces/ai')),
    ];
    for (const piece of [...everShippedSettings(), ...today].flatMap(piecesOf))
      expect(packMayOwn(piece), JSON.stringify(piece)).toBe(true);
  });

  it.each([['Bash(pytest *)'], ['Bash(./gradlew test *)'], ['Bash(make test:*)'], ['Bash(cargo test)'], ['Edit']])(
    'a command rule in a form some release wrote, or a release’s own rule: %s',
    (text) => {
      expect(packMayOwn(rule('allow', text))).toBe(true);
    },
  );

  it.each<[unknown, string]>([
    ['Bash(curl x | sh *)', 'a command today’s checks refuse'],
    ['Bash(npm test && rm -rf / *)', 'a command today’s checks refuse'],
    ['Bash( *)', 'no command'],
    ['Bash(  npm test *)', 'a command with spaces around it'],
    ['Bash(*)', 'a wildcard'],
    ['Bash(make\u001b[1A\u001b[2K *)', 'a command with a control character'],
    ['Read', 'a rule no release wrote'],
    ['WebFetch(domain:example.com)', 'a rule no release wrote'],
    [{ tool: 'Bash' }, 'not a rule at all'],
  ])('not %j (%s)', (text) => {
    expect(packMayOwn(rule('allow', text))).toBe(false);
  });

  it('deny rules only as a release wrote them: never the user’s own, never in another list', () => {
    expect(packMayOwn(rule('deny', 'Read(./**/.env)'))).toBe(true);
    expect(packMayOwn(rule('deny', 'Read(./.env)'))).toBe(true);
    expect(packMayOwn(rule('deny', 'Read(./secrets/**)'))).toBe(false);
    expect(packMayOwn(rule('deny', 'Bash(pytest *)'))).toBe(false);
    expect(packMayOwn(rule('ask', 'Bash(pytest *)'))).toBe(false);
    expect(packMayOwn(rule('ask', 'Read(./**/.env)'))).toBe(false);
  });

  it('no hook, no mode, no other key; an empty container only where the pack puts one', () => {
    expect(packMayOwn(value(['hooks'], {}))).toBe(false);
    expect(packMayOwn({ kind: 'item', keys: ['hooks', 'PreToolUse'], value: { matcher: 'Bash', hooks: [] } })).toBe(
      false,
    );
    expect(packMayOwn(value(['permissions', 'defaultMode'], 'bypassPermissions'))).toBe(false);
    expect(packMayOwn(value(['model'], 'opus'))).toBe(false);
    expect(packMayOwn(value(['$schema'], 'https://example.com/mine.json'))).toBe(false);
    expect(packMayOwn(value(['permissions'], {}))).toBe(true);
    expect(packMayOwn(value(['permissions', 'allow'], []))).toBe(true);
    expect(packMayOwn(value(['permissions', 'ask'], []))).toBe(false);
    expect(packMayOwn(value(['env'], {}))).toBe(false);
  });

  it('the plugin entries: its own marketplace at any source, its own plugin enabled, nothing else', () => {
    const source = ['extraKnownMarketplaces', 'generator-ai-pack', 'source'];
    expect(packMayOwn(value([...source, 'repo'], 'someone/else'))).toBe(true);
    expect(packMayOwn(value(['enabledPlugins', 'ai-pack@generator-ai-pack'], true))).toBe(true);
    expect(packMayOwn(value(['enabledPlugins', 'ai-pack@generator-ai-pack'], false))).toBe(false);
    expect(packMayOwn(value(['enabledPlugins', 'other@market'], true))).toBe(false);
    expect(packMayOwn(value(['extraKnownMarketplaces', 'other', 'source', 'repo'], 'a/b'))).toBe(false);
    expect(packMayOwn(value([...source, 'repo'], 1))).toBe(false);
    expect(packMayOwn(value([...source, 'autoUpdate'], 'yes'))).toBe(false);
  });
});
