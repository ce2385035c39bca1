#!/usr/bin/env bash
# The state right after two isolated agents finished: the project committed, and two worktrees on
# their own branches (where the client keeps agents' worktrees, ignored by git) holding the agents'
# work, not committed. Agent 2 also changed src/format.js, a file its brief did not give it.
. "$(dirname "$0")/../_shared/repo.sh"
package shopkit
file src/format.js <<'JS'
/** Cents as a decimal amount with two places. */
export function formatCents(cents) {
  return (cents / 100).toFixed(2);
}
JS
file test/format.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCents } from '../src/format.js';

test('formats cents', () => {
  assert.equal(formatCents(1234), '12.34');
});
JS
file .claude/worktrees/.gitignore <<'TXT'
*
TXT
finish_repo

worktree() { # worktree <id>: a worktree as the client makes one for an agent
  git_eval worktree add -q ".claude/worktrees/agent-$1" -b "worktree-agent-$1"
}
worktree a3f91c02
(
  cd .claude/worktrees/agent-a3f91c02
  file src/invoice.js <<'JS'
import { formatCents } from './format.js';

/** One invoice line: the description and the amount. */
export function invoiceLine(description, cents) {
  return `${description}: ${formatCents(cents)}`;
}
JS
  file test/invoice.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invoiceLine } from '../src/invoice.js';

test('an invoice line', () => {
  assert.equal(invoiceLine('Tea', 350), 'Tea: 3.50');
});
JS
)
worktree 7be4d015
(
  cd .claude/worktrees/agent-7be4d015
  file src/receipt.js <<'JS'
import { formatCents } from './format.js';

/** A receipt's total line. */
export function receiptTotal(cents) {
  return `TOTAL ${formatCents(cents)}`;
}
JS
  file test/receipt.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { receiptTotal } from '../src/receipt.js';

test('a receipt total', () => {
  assert.equal(receiptTotal(1234), 'TOTAL 12.34 EUR');
});
JS
  file src/format.js <<'JS'
/** Cents as a decimal amount with two places and the currency. */
export function formatCents(cents) {
  return `${(cents / 100).toFixed(2)} EUR`;
}
JS
)
