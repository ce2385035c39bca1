#!/usr/bin/env bash
# A greeting module with a typo that its test catches.
. "$(dirname "$0")/../_shared/repo.sh"
package greeter
file src/greet.js <<'JS'
export function greet(name) {
  return `Helo, ${name}!`;
}
JS
file test/greet.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greet } from '../src/greet.js';

test('greets by name', () => {
  assert.equal(greet('Ada'), 'Hello, Ada!');
});
JS
finish_repo
