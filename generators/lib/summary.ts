import type { Plan, SummaryKind } from './plan.js';
import { printable } from './terminal-text.js';

/** Lines that are news rather than changes: listed after the changes. */
const NOTE_KINDS: ReadonlySet<SummaryKind> = new Set([
  'kept',
  'offered',
  'declined',
  'ignored',
  'changed',
  'approved',
  'no rule',
  'adopted',
]);

/**
 * The closing summary of a run: one line per change with its reason, then the notes. A run that changes no
 * file says so first, whatever the notes; a dry run says nothing was written.
 */
export function formatPlan(
  plan: Plan,
  {
    version,
    dryRun,
    next,
    record = '.yo-rc.json',
  }: { version: string; dryRun: boolean; next: string; record?: string },
): string {
  const changed = plan.changes.length > 0;
  const headline = !changed
    ? `generator-ai-pack ${version}: already up to date, no file changed.`
    : `generator-ai-pack ${version}${dryRun ? ' (dry run: nothing was written; this is what would change)' : ''}:`;
  const changes = plan.lines.filter((line) => !NOTE_KINDS.has(line.kind));
  // A run whose only change is the install record (say, new answers that change no file) still says so.
  if (changed && changes.length === 0) changes.push({ kind: 'updated', text: `${record} (the install record)` });
  const lines = [...changes, ...plan.lines.filter((line) => NOTE_KINDS.has(line.kind))];
  // One line each, whatever a file name or a rule in it holds: a line break inside cannot forge another line.
  const shown = lines.map((line) => `  ${line.kind.padEnd(9)} ${printable(line.text)}`);
  return [headline, ...shown, '', `Next: ${printable(next)}`].join('\n');
}
