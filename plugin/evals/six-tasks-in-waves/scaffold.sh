#!/usr/bin/env bash
# A small utility package with one module and its tests; the six modules asked for are new and independent.
. "$(dirname "$0")/../_shared/repo.sh"
package checkkit
file src/luhn.js <<'JS'
/** Luhn check of a string of digits (spaces allowed). */
export function isValidLuhn(text) {
  const digits = text.replace(/ /g, '');
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (const [index, char] of [...digits].reverse().entries()) {
    const digit = Number(char) * (index % 2 === 1 ? 2 : 1);
    sum += digit > 9 ? digit - 9 : digit;
  }
  return sum % 10 === 0;
}
JS
file src/index.js <<'JS'
export { isValidLuhn } from './luhn.js';
JS
file test/luhn.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidLuhn } from '../src/luhn.js';

test('accepts a valid number and rejects a changed digit', () => {
  assert.equal(isValidLuhn('4539 3195 0343 6467'), true);
  assert.equal(isValidLuhn('4539 3195 0343 6468'), false);
});
JS
finish_repo
