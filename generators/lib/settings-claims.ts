import { commandProblem, DEFAULT_ANSWERS } from './catalogue.js';
import { MARKETPLACE_NAME, parseMarketplaceSource, pluginProjectSettings } from './plugin.js';
import { type Piece, pieceId, piecesOf } from './settings.js';
import type { JsonObject } from './strict-json.js';

/** The settings the pack has merged, as io/releases.ts reads them from the package. */
export interface ShippedSettings {
  /** The settings template of every release and of the pack as it is now. */
  templates: JsonObject[];
  /** The pack's settings template now: the plugin settings are made from it. */
  current: JsonObject;
}

/**
 * What an install record may claim as the pack's in settings.json, given what the pack has shipped. The record
 * is a committed file anyone can write, and what it claims an update retires and uninstall takes out; so a claim
 * counts only for a piece some version of the pack writes:
 * - an entry of a release's settings template (templates/releases/<version>.json, and the pack as it is now):
 *   its `$schema`, its rules, deny rules included;
 * - a rule for a test or build command, in any form a release wrote, whose command passes today's checks;
 * - the plugin's entries (`--plugin-settings`), its marketplace at whatever source the user gave;
 * - an empty object or array where the pack puts one of those.
 * A hook, a deny rule of the user's own, a key the pack never writes: never the pack's, whatever the record says.
 */
export function packClaims(settings: ShippedSettings): (piece: Piece) => boolean {
  const shipped = shapeOf(settings);
  return (piece) => {
    if (shipped.ids.has(pieceId(piece))) return true;
    if (piece.kind === 'item') return sameKeys(piece.keys, COMMAND_RULES) && isCommandRule(piece.value);
    if (isEmptyContainer(piece.value)) return shipped.containers.has(JSON.stringify(piece.keys));
    return typeof piece.value === 'string' && shipped.sourceFields.has(JSON.stringify(piece.keys));
  };
}

/** Where the pack's command rules go. */
const COMMAND_RULES = ['permissions', 'allow'];

/**
 * The command inside a rule, in each form a release wrote: `Bash(cmd *)` (0.2.0 on), `Bash(cmd:*)` and
 * `Bash(cmd)` (0.1.0 wrote both). A rule is a command rule when one of them is a command fit for a rule.
 */
function isCommandRule(rule: unknown): boolean {
  if (typeof rule !== 'string' || !rule.startsWith('Bash(') || !rule.endsWith(')')) return false;
  const inner = rule.slice('Bash('.length, -1);
  const commands = [inner.endsWith(' *') || inner.endsWith(':*') ? inner.slice(0, -2) : undefined, inner];
  return commands.some(
    (command) => command !== undefined && command !== '' && command === command.trim() && !commandProblem(command),
  );
}

/** Marketplace sources of each kind the plugin settings accept: their fields hold whatever the user gave. */
const SAMPLE_SOURCES = ['owner/repo', 'https://example.com/marketplace.git', '/marketplace'];

interface ShippedShape {
  /** Every piece of every release's settings and of the plugin settings, by id. */
  ids: Set<string>;
  /** The keys (as JSON) of every object or array those hold. */
  containers: Set<string>;
  /** The keys (as JSON) of the fields of the plugin's marketplace source. */
  sourceFields: Set<string>;
}

function shapeOf({ templates, current }: ShippedSettings): ShippedShape {
  const plugin = SAMPLE_SOURCES.map((source) =>
    piecesOf(pluginProjectSettings(current, DEFAULT_ANSWERS, parseMarketplaceSource(source))),
  );
  const pieces = [...templates.flatMap(piecesOf), ...plugin.flat()];
  const containers = pieces.flatMap((piece) => {
    const depth = piece.kind === 'item' ? piece.keys.length : piece.keys.length - 1;
    return Array.from({ length: depth }, (_, index) => JSON.stringify(piece.keys.slice(0, index + 1)));
  });
  const sourceFields = plugin
    .flat()
    .filter((piece) => sameKeys(piece.keys.slice(0, 3), ['extraKnownMarketplaces', MARKETPLACE_NAME, 'source']))
    .map((piece) => JSON.stringify(piece.keys));
  return { ids: new Set(pieces.map(pieceId)), containers: new Set(containers), sourceFields: new Set(sourceFields) };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}

function isEmptyContainer(value: unknown): boolean {
  return (Array.isArray(value) || (typeof value === 'object' && value !== null)) && Object.keys(value).length === 0;
}
