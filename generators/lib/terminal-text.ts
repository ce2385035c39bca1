/**
 * Text for the terminal. Names and values that come from the repository or the user (a file name, a saved
 * command, a hook's event name, a .gitignore pattern, the install record's fields) may hold control
 * characters: an escape sequence moves the cursor and erases lines, a carriage return or backspace
 * overwrites what was printed, so a repository could forge or hide a line of the summary. Every string the
 * generators print goes through `printable`, which writes each such character as a visible escape, in the
 * form JSON uses (`\u001b`, `\r`), so JSON output stays JSON. A backslash is left as it is.
 */

/** C0 controls, DEL, C1 controls; the line and paragraph separators; the marks and overrides of bidirectional text. */
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with every control character escaped. `'line'` (the default) for one line or one value: a line
 * break inside it is escaped too, so it cannot start a forged line. `'lines'` for text whose line structure
 * is ours (a summary already escaped line by line, a diff, a report): line feeds and tabs stay.
 */
export function printable(text: string, layout: 'line' | 'lines' = 'line'): string {
  return text.replace(UNPRINTABLE, (char) =>
    layout === 'lines' && (char === '\n' || char === '\t')
      ? char
      : (NAMED[char] ?? `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`),
  );
}
