#!/usr/bin/env bash
# A CLI whose every command lives in one file, src/commands.js: tasks on it share that file.
. "$(dirname "$0")/../_shared/repo.sh"
package todo-cli
file src/commands.js <<'JS'
/** Every command of the CLI: its handler and its help line. */
export const commands = {
  add: {
    help: 'add <text>    add a todo',
    run: (todos, text) => [...todos, { text, done: false }],
  },
};

export function help() {
  return Object.values(commands).map((command) => command.help).join('\n');
}
JS
file test/commands.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands, help } from '../src/commands.js';

test('add appends an open todo', () => {
  assert.deepEqual(commands.add.run([], 'milk'), [{ text: 'milk', done: false }]);
});
test('help lists every command', () => {
  assert.equal(help().split('\n').length, Object.keys(commands).length);
});
JS
finish_repo
