#!/usr/bin/env bash
# A tiny CLI that will need a plugin mechanism; the case only discusses it.
. "$(dirname "$0")/../_shared/repo.sh"
package notes-cli
file src/cli.js <<'JS'
const [command, ...args] = process.argv.slice(2);
const commands = {
  add: (text) => console.log(`added: ${text}`),
  list: () => console.log('(no notes yet)'),
};
(commands[command] ?? (() => console.error(`unknown command: ${command}`)))(args.join(' '));
JS
finish_repo
