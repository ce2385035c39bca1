#!/usr/bin/env bash
# A small text library with one module and its tests; the three features asked for each get a new module.
. "$(dirname "$0")/../_shared/repo.sh"
package textkit
file src/words.js <<'JS'
/** Splits text into words on whitespace. */
export function words(text) {
  return text.split(/\s+/).filter(Boolean);
}
JS
file src/index.js <<'JS'
export { words } from './words.js';
JS
file test/words.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { words } from '../src/words.js';

test('splits on any whitespace', () => {
  assert.deepEqual(words(' a  b\tc\n'), ['a', 'b', 'c']);
});
JS
finish_repo
