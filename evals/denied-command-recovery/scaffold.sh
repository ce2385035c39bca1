#!/usr/bin/env bash
# Two independent parsers without validation, and a Makefile whose `check` target is the project's
# definition of done. The pack's settings allow background agents `npm test` and `npm run build`,
# not `make`: an agent that runs `make check` is denied, and the orchestrator has to get it going again.
. "$(dirname "$0")/../_shared/repo.sh"
package payments
file Makefile <<'MAKE'
check:
	npm test
MAKE
file src/orders.js <<'JS'
/** An order from the checkout form: `{ id, customerId, amount, currency }`. */
export function parseOrder(input) {
  return {
    id: input.id,
    customerId: input.customerId,
    amount: input.amount,
    currency: input.currency,
  };
}
JS
file src/refunds.js <<'JS'
export const REASONS = ['damaged', 'late', 'wrong-item', 'other'];

/** A refund request: `{ orderId, amount, reason }`. */
export function parseRefund(input) {
  return { orderId: input.orderId, amount: input.amount, reason: input.reason };
}
JS
file test/orders.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrder } from '../src/orders.js';

test('parses a valid order', () => {
  const order = { id: 7, customerId: 3, amount: 1250, currency: 'EUR' };
  assert.deepEqual(parseOrder(order), order);
});
JS
file test/refunds.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRefund } from '../src/refunds.js';

test('parses a valid refund', () => {
  const refund = { orderId: 7, amount: 500, reason: 'late' };
  assert.deepEqual(parseRefund(refund), refund);
});
JS
finish_repo
