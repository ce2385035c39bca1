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

/**
 * Parses strict JSON (RFC 8259). On bad input throws an AiPackError naming `file:line:column` and the
 * problem. Our own scanner finds the position because V8's messages differ between Node versions and
 * some carry no position at all.
 */
export function parseStrictJson(text: string, file: string): unknown {
  const problem = findSyntaxProblem(text);
  if (problem) {
    throw new AiPackError(
      `${locationOf(file, text, problem.offset)}: not valid JSON (${problem.reason}). ` +
        'The file must be strict JSON: no comments, no trailing commas. Fix it and run again; no file was changed.',
    );
  }
  return JSON.parse(text);
}

/** `file:line:column` (both 1-based, column in characters) of an offset into `text`. */
export function locationOf(file: string, text: string, offset: number): string {
  const before = text.slice(0, offset);
  const lineBreaks = before.match(/\r\n|\r|\n/g) ?? [];
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  return `${file}:${lineBreaks.length + 1}:${[...before.slice(lineStart)].length + 1}`;
}

interface SyntaxProblem {
  offset: number;
  reason: string;
}

/** Thrown inside the scanner to unwind the recursion at the first problem. */
class StopAt {
  constructor(readonly problem: SyntaxProblem) {}
}

const JSON_WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
const PLAIN_STRING_RUN = /[^"\\\u0000-\u001f]+/y;

function findSyntaxProblem(text: string): SyntaxProblem | undefined {
  let pos = 0;
  const fail = (offset: number, reason = unexpectedAt(text, offset)): never => {
    throw new StopAt({ offset, reason });
  };
  const match = (pattern: RegExp): boolean => {
    pattern.lastIndex = pos;
    if (!pattern.test(text)) return false;
    pos = pattern.lastIndex;
    return true;
  };
  const skipWhitespace = () => match(JSON_WHITESPACE);
  const expect = (char: string) => {
    if (text[pos] !== char) fail(pos);
    pos++;
  };

  function value(): void {
    skipWhitespace();
    const char = text[pos];
    if (char === '{') return container('}', member);
    if (char === '[') return container(']', value);
    if (char === '"') return string();
    if (!match(NUMBER) && !match(LITERAL)) fail(pos);
  }
  function member(): void {
    skipWhitespace();
    if (text[pos] !== '"') fail(pos);
    string();
    skipWhitespace();
    expect(':');
    value();
  }
  function container(close: string, element: () => void): void {
    pos++;
    skipWhitespace();
    if (text[pos] === close) return void pos++;
    for (;;) {
      element();
      skipWhitespace();
      if (text[pos] === close) return void pos++;
      const comma = pos;
      expect(',');
      skipWhitespace();
      if (text[pos] === close) fail(comma, `trailing comma before '${close}'`);
    }
  }
  function string(): void {
    const start = pos++;
    for (;;) {
      match(PLAIN_STRING_RUN);
      if (text[pos] === '"') return void pos++;
      if (pos >= text.length) fail(start, 'string never closed');
      if (text[pos] === '\\') {
        if (!match(ESCAPE)) fail(pos, 'invalid escape in a string');
      } else {
        fail(pos, 'control character inside a string (write it as an escape such as \\n)');
      }
    }
  }

  try {
    skipWhitespace();
    if (pos === text.length) fail(pos, 'the file is empty');
    value();
    skipWhitespace();
    if (pos < text.length) fail(pos, `${unexpectedAt(text, pos)} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof StopAt) return error.problem;
    throw error;
  }
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
