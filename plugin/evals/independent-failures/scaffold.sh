#!/usr/bin/env bash
# Three unrelated modules, each with a bug only a closer look explains (the order of discount and
# VAT, end-of-month arithmetic, hyphenated names) and one failing test that shows it: `npm test`
# fails in three places, for three different reasons.
. "$(dirname "$0")/../_shared/repo.sh"
package shopkit
file src/cart.js <<'JS'
/** Cart totals in cents. A percentage discount applies to the subtotal; VAT applies to what is left. */
export function lineTotal(line) {
  return line.price * line.quantity;
}

export function subtotal(lines) {
  return lines.reduce((sum, line) => sum + lineTotal(line), 0);
}

/** `percent` of `amount`, rounded to the cent. */
export function percentOf(amount, percent) {
  return Math.round((amount * percent) / 100);
}

export function total(lines, { discountPercent = 0, vatPercent = 0 } = {}) {
  const sub = subtotal(lines);
  const discounted = sub - percentOf(sub, discountPercent);
  const vat = percentOf(sub, vatPercent);
  return discounted + vat;
}
JS
file test/cart.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineTotal, subtotal, total } from '../src/cart.js';

const lines = [{ price: 1000, quantity: 2 }, { price: 250, quantity: 4 }];

test('a line costs its price times its quantity', () => {
  assert.equal(lineTotal({ price: 250, quantity: 4 }), 1000);
});
test('the subtotal adds the lines', () => {
  assert.equal(subtotal(lines), 3000);
});
test('VAT alone', () => {
  assert.equal(total(lines, { vatPercent: 20 }), 3600);
});
test('VAT applies to the discounted amount', () => {
  assert.equal(total(lines, { discountPercent: 10, vatPercent: 20 }), 3240);
});
JS
file src/dates.js <<'JS'
/** Calendar arithmetic on UTC dates. */
const DAY = 24 * 60 * 60 * 1000;

export function isoDate(date) {
  return date.toISOString().slice(0, 10);
}

export function addDays(date, days) {
  return new Date(date.getTime() + days * DAY);
}

/** The same day `months` later; a day the target month lacks becomes that month's last day. */
export function addMonths(date, months) {
  const result = new Date(date.getTime());
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

export function daysInMonth(year, month) {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
JS
file test/dates.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, addMonths, daysInMonth, isoDate } from '../src/dates.js';

const utc = (text) => new Date(`${text}T00:00:00Z`);

test('adds days across a month end', () => {
  assert.equal(isoDate(addDays(utc('2026-01-30'), 3)), '2026-02-02');
});
test('adds months', () => {
  assert.equal(isoDate(addMonths(utc('2026-01-15'), 1)), '2026-02-15');
});
test('knows February', () => {
  assert.equal(daysInMonth(2028, 1), 29);
});
test('a month later than January 31 is the last day of February', () => {
  assert.equal(isoDate(addMonths(utc('2026-01-31'), 1)), '2026-02-28');
});
JS
file src/names.js <<'JS'
/** Display names: each part capitalised, particles such as "van" or "de" kept lower case after the first word. */
const PARTICLES = new Set(['van', 'von', 'de', 'der', 'da', 'di', 'la', 'le']);

function capitalise(word) {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

export function titleCase(text) {
  return text
    .trim()
    .split(/\s+/)
    .map((word, index) => (index > 0 && PARTICLES.has(word.toLowerCase()) ? word.toLowerCase() : capitalise(word)))
    .join(' ');
}

export function initials(text) {
  return titleCase(text)
    .split(' ')
    .filter((word) => !PARTICLES.has(word))
    .map((word) => `${word.charAt(0)}.`)
    .join('');
}
JS
file test/names.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initials, titleCase } from '../src/names.js';

test('capitalises each word', () => {
  assert.equal(titleCase('ada lovelace'), 'Ada Lovelace');
});
test('keeps particles lower case', () => {
  assert.equal(titleCase('ludwig VAN beethoven'), 'Ludwig van Beethoven');
});
test('initials skip particles', () => {
  assert.equal(initials('vincent van gogh'), 'V.G.');
});
test('capitalises each part of a hyphenated name', () => {
  assert.equal(titleCase('anne-marie de la tour'), 'Anne-Marie de la Tour');
});
JS
finish_repo
