/**
 * A file's bytes as text and back, losing none: valid UTF-8 is decoded as usual, and each byte that is not
 * part of valid UTF-8 (a Latin-1 `Caf\xe9`, a stray byte) becomes a lone surrogate U+DC80-U+DCFF, which
 * `encodeText` turns back into that byte (Python's "surrogateescape"). Valid UTF-8 never decodes to a
 * surrogate, so the two cannot be confused, and every edit the pack makes in a user's file keeps such bytes.
 */

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of `bytes`, each byte outside valid UTF-8 kept as U+DC00 + byte. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeEscaping(bytes);
  }
}

/** The bytes of `text`: UTF-8, and each U+DC80-U+DCFF that `decodeText` made goes back to its byte. */
export function encodeText(text: string): Buffer {
  if (!ESCAPED_BYTE.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (const match of text.matchAll(ESCAPED_BYTES)) {
    parts.push(Buffer.from(text.slice(start, match.index), 'utf8'));
    parts.push(Buffer.from([...match[0]].map((unit) => unit.charCodeAt(0) - 0xdc00)));
    start = match.index + match[0].length;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** A low surrogate in the escape range with no high surrogate before it (which would make it half of a pair). */
const ESCAPED_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;
const ESCAPED_BYTES = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]+/g;

function decodeEscaping(bytes: Uint8Array): string {
  let text = '';
  let start = 0;
  let index = 0;
  while (index < bytes.length) {
    const length = validSequenceAt(bytes, index);
    if (length > 0) {
      index += length;
      continue;
    }
    text += strict.decode(bytes.subarray(start, index)) + String.fromCharCode(0xdc00 + bytes[index]);
    index += 1;
    start = index;
  }
  return text + strict.decode(bytes.subarray(start));
}

/**
 * The length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 when the byte there does not start one.
 */
function validSequenceAt(bytes: Uint8Array, index: number): number {
  const first = bytes[index];
  if (first < 0x80) return 1;
  const [length, low, high] =
    first >= 0xc2 && first <= 0xdf
      ? [2, 0x80, 0xbf]
      : first === 0xe0
        ? [3, 0xa0, 0xbf]
        : first === 0xed
          ? [3, 0x80, 0x9f]
          : first >= 0xe1 && first <= 0xef
            ? [3, 0x80, 0xbf]
            : first === 0xf0
              ? [4, 0x90, 0xbf]
              : first === 0xf4
                ? [4, 0x80, 0x8f]
                : first >= 0xf1 && first <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : [0, 0, 0];
  if (length === 0 || index + length > bytes.length) return 0;
  if (bytes[index + 1] < low || bytes[index + 1] > high) return 0;
  for (let next = index + 2; next < index + length; next++) if (bytes[next] < 0x80 || bytes[next] > 0xbf) return 0;
  return length;
}
