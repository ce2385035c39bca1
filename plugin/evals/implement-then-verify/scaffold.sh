#!/usr/bin/env bash
# A small time-utilities package; the feature asked for is a new module, src/duration.js.
. "$(dirname "$0")/../_shared/repo.sh"
package timekit
file src/clock.js <<'JS'
/** Formats a number of seconds as H:MM:SS. */
export function clock(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
JS
file test/clock.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clock } from '../src/clock.js';

test('formats hours, minutes and seconds', () => {
  assert.equal(clock(3725), '1:02:05');
});
JS
finish_repo
