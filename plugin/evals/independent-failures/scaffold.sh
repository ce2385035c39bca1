#!/usr/bin/env bash
# Three unrelated modules, each with one bug that one of its tests catches: `npm test` fails in three places.
. "$(dirname "$0")/../_shared/repo.sh"
package shopkit
file src/cart.js <<'JS'
/** Total price of the cart's lines, in cents. */
export function total(lines) {
  return lines.reduce((sum, line) => sum + line.price, 0);
}
JS
file test/cart.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { total } from '../src/cart.js';

test('an empty cart costs nothing', () => {
  assert.equal(total([]), 0);
});
test('each line counts its quantity', () => {
  assert.equal(total([{ price: 250, quantity: 2 }, { price: 100, quantity: 1 }]), 600);
});
JS
file src/dates.js <<'JS'
/** ISO date (YYYY-MM-DD) of a Date, in UTC. */
export function isoDate(date) {
  const month = String(date.getUTCMonth()).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${date.getUTCFullYear()}-${month}-${day}`;
}
JS
file test/dates.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoDate } from '../src/dates.js';

test('formats a UTC date', () => {
  assert.equal(isoDate(new Date(Date.UTC(2026, 10, 29))), '2026-11-29');
});
JS
file src/names.js <<'JS'
/** "ada lovelace" -> "Ada Lovelace". */
export function titleCase(text) {
  return text
    .split(' ')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(0))
    .join(' ');
}
JS
file test/names.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { titleCase } from '../src/names.js';

test('capitalizes each word', () => {
  assert.equal(titleCase('ada lovelace'), 'Ada Lovelace');
});
JS
finish_repo
