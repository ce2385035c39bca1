#!/usr/bin/env bash
# Two modules that will each get their own copy of formatPrice; nothing in the repository says how to round.
. "$(dirname "$0")/../_shared/repo.sh"
package billing
file src/invoice.js <<'JS'
/** Invoice lines: `{ description, thousandths, currency }`. */
export function invoiceLines(items) {
  return items.map((item) => ({ description: item.description, amount: item.thousandths, currency: item.currency }));
}
JS
file src/receipt.js <<'JS'
/** The lines of a till receipt. */
export function receiptLines(items) {
  return items.map((item) => item.description);
}
JS
file test/invoice.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invoiceLines } from '../src/invoice.js';

test('keeps the description', () => {
  assert.equal(invoiceLines([{ description: 'Tea', thousandths: 3500, currency: 'EUR' }])[0].description, 'Tea');
});
JS
file test/receipt.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { receiptLines } from '../src/receipt.js';

test('one line per item', () => {
  assert.deepEqual(receiptLines([{ description: 'Tea' }]), ['Tea']);
});
JS
finish_repo
