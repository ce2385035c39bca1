import { type Node, type ParseError, ParseErrorCode, parseTree } from 'jsonc-parser';
import { AiPackError } from './errors.js';

/** A parsed JSON object. Values stay `unknown`: callers check the shape they rely on. */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Key-order-sensitive equality of two JSON values (order matters to a person reading the file). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Strict JSON (RFC 8259) for jsonc-parser: it reads JSON with comments unless told not to. */
const STRICT = { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false } as const;

/**
 * The syntax tree of strict JSON (RFC 8259), with the offsets of every value, for editing the text in
 * place. On bad input throws an AiPackError naming `file:line:column` and the problem; a key that appears
 * twice in one object is such a problem too (readers disagree on which value wins, Claude Code keeps one).
 */
function parseStrictTree(text: string, file: string): Node {
  checkNesting(text, file);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, STRICT);
  if (/^[ \t\n\r]*$/.test(text)) throw syntaxError(file, text, text.length, 'the file is empty');
  const first = errors[0];
  if (first || !root) {
    const { offset, reason } = describe(text, first!, root);
    throw syntaxError(file, text, offset, reason);
  }
  checkDuplicateKeys(root, text, file);
  return root;
}

/** Deeper than any settings or record file the client or Yeoman writes; deeper still would exhaust the stack. */
const MAX_NESTING = 100;

/**
 * One pass over the text, before any parser (jsonc-parser's, JSON.parse, the pack's own walks) recurses
 * into it: brackets nested deeper than MAX_NESTING stop the run at the first one too many.
 */
function checkNesting(text: string, file: string): void {
  let depth = 0;
  let inString = false;
  for (let offset = 0; offset < text.length; offset++) {
    const char = text[offset];
    if (inString) {
      if (char === '\\') offset++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      if (++depth > MAX_NESTING) {
        throw new AiPackError(
          `${locationOf(file, text, offset)}: nested more than ${MAX_NESTING} levels deep, which no settings file needs. ` +
            'Flatten it (or delete the file to start afresh) and run again; no file was changed.',
        );
      }
    } else if (char === ']' || char === '}') depth--;
  }
}

/** Parses strict JSON (see parseStrictTree). A key named `__proto__` stays an ordinary key. */
export function parseStrictJson(text: string, file: string): unknown {
  parseStrictTree(text, file);
  return JSON.parse(text);
}

function syntaxError(file: string, text: string, offset: number, reason: string): AiPackError {
  return new AiPackError(
    `${locationOf(file, text, offset)}: not valid JSON (${reason}). ` +
      'The file must be strict JSON: no comments, no trailing commas. Fix it and run again; no file was changed.',
  );
}

/** Where exactly the problem is and what it is, in the words a person fixing the file needs. */
function describe(text: string, error: ParseError, root: Node | undefined): { offset: number; reason: string } {
  const { offset, length } = error;
  switch (error.error) {
    case ParseErrorCode.InvalidCommentToken:
      return { offset, reason: 'comments are not allowed' };
    case ParseErrorCode.UnexpectedEndOfString:
      return { offset, reason: 'string never closed' };
    case ParseErrorCode.InvalidEscapeCharacter:
    case ParseErrorCode.InvalidUnicode:
      return {
        offset: offset + firstBadEscape(text.slice(offset, offset + length)),
        reason: 'invalid escape in a string',
      };
    case ParseErrorCode.InvalidCharacter:
      return {
        offset: offset + text.slice(offset, offset + length).search(/[\u0000-\u001f]/),
        reason: 'control character inside a string (write it as an escape such as \\n)',
      };
    case ParseErrorCode.UnexpectedEndOfNumber:
    case ParseErrorCode.InvalidNumberFormat:
      return { offset, reason: 'incomplete number' };
  }
  const comma = /,[ \t\n\r]*$/.exec(text.slice(0, offset));
  if (comma && (text[offset] === '}' || text[offset] === ']')) {
    return { offset: comma.index, reason: `trailing comma before '${text[offset]}'` };
  }
  if (root && offset >= root.offset + root.length && offset < text.length) {
    return { offset, reason: `${unexpectedAt(text, offset)} after the end of the JSON value` };
  }
  return { offset, reason: unexpectedAt(text, offset) };
}

/** Offset of the first escape in a string token that JSON does not allow. */
function firstBadEscape(token: string): number {
  const escapes = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})?/g;
  for (const match of token.matchAll(escapes)) if (match[0].length === 1) return match.index;
  return 0;
}

function checkDuplicateKeys(node: Node, text: string, file: string): void {
  if (node.type === 'object') {
    const seen = new Map<string, Node>();
    for (const property of node.children ?? []) {
      const key = property.children![0]!;
      const earlier = seen.get(key.value);
      if (earlier) {
        const line = (at: Node) => locationOf(file, text, at.offset).split(':').at(-2);
        throw new AiPackError(
          `${locationOf(file, text, key.offset)}: the key ${JSON.stringify(key.value)} appears twice in the same object ` +
            `(lines ${line(earlier)} and ${line(key)}); Claude Code would keep only one of the two values. ` +
            'Keep the one you mean, delete the other and run again; no file was changed.',
        );
      }
      seen.set(key.value, key);
    }
  }
  for (const child of node.children ?? []) checkDuplicateKeys(child, text, file);
}

/** `file:line:column` (both 1-based, column in characters) of an offset into `text`. */
export function locationOf(file: string, text: string, offset: number): string {
  const before = text.slice(0, offset);
  const lineBreaks = before.match(/\r\n|\r|\n/g) ?? [];
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  return `${file}:${lineBreaks.length + 1}:${[...before.slice(lineStart)].length + 1}`;
}

function unexpectedAt(text: string, offset: number): string {
  if (offset >= text.length) return 'unexpected end of file';
  if (text.startsWith('//', offset) || text.startsWith('/*', offset)) return 'comments are not allowed';
  const char = String.fromCodePoint(text.codePointAt(offset)!);
  // Invisible characters (a byte-order mark, a no-break space) are named by code point so they can be found.
  const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char)
    ? `'${char}'`
    : `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return `unexpected ${shown}`;
}
