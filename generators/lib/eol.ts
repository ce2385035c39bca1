import { createHash } from 'node:crypto';

/**
 * Line endings. A checkout with `core.autocrlf=true` turns every LF of the pack's files into CRLF: that
 * is not an edit. Hashes and comparisons therefore see text with LF line ends, and writes keep the line
 * ends a file already has.
 */

export type Eol = '\n' | '\r\n';

/** The line end a text uses: that of its first line break; LF when it has none (or only lone CRs). */
export function detectEol(text: string): Eol {
  const first = /\r?\n/.exec(text);
  return first?.[0] === '\r\n' ? '\r\n' : '\n';
}

/** The text with every CRLF turned into LF (a lone CR is content, not a line end, and stays). */
export function toLf(text: string): string {
  return text.replaceAll('\r\n', '\n');
}

/** LF text (the pack's) with the given line end: for writing into a file that uses CRLF. */
export function withEol(text: string, eol: Eol): string {
  const lf = toLf(text);
  return eol === '\n' ? lf : lf.replaceAll('\n', '\r\n');
}

/** True when two texts differ at most in CRLF versus LF. */
export function sameContent(a: string, b: string): boolean {
  return toLf(a) === toLf(b);
}

/** SHA-256 (hex) of the text with CRLF normalised to LF, so a CRLF checkout hashes like the LF original. */
export function contentHash(text: string): string {
  return createHash('sha256').update(toLf(text)).digest('hex');
}
