# Sourced by every case's scaffold.sh. `claude plugin eval --scaffold` runs `bash <case>/scaffold.sh`
# in the run's empty working directory (the test does the same in a temp folder), so `$0` is the script
# and the current directory is the repository to build.
set -euo pipefail
suite_dir="$(cd "$(dirname "$0")/.." && pwd)"

# package <name>: a Node package whose `npm test` runs the built-in test runner.
package() {
  cat > package.json <<JSON
{
  "name": "$1",
  "version": "1.0.0",
  "private": true,
  "type": "module",
  "scripts": { "test": "node --test" }
}
JSON
}

# file <path>: writes stdin to <path>, creating its folder.
file() {
  mkdir -p "$(dirname "$1")"
  cat > "$1"
}

# git_eval <args>: git as the scaffold's author, never signing.
git_eval() {
  git -c user.name=eval -c user.email=eval@example.invalid -c commit.gpgsign=false "$@"
}

# install_personal_pack: when the runner staged a personal install for this pass (npm run eval --
# --form personal writes its skills/ and agents/ to evals/_pack/), puts it where this run's client
# reads a user's skills and agents. `claude plugin eval` starts each client with
# `--setting-sources user` and a config folder of its own (CLAUDE_CONFIG_DIR), `config/` beside the
# run's HOME: a project's .claude/ is not read there, the config folder is.
install_personal_pack() {
  [ -d "$suite_dir/_pack" ] || return 0
  local config
  config="$(cd "$HOME/.." && pwd)/config"
  if [ ! -f "$config/.claude.json" ]; then
    echo "no config folder of the eval runner at $config: this client lays out its runs differently (see docs/evals.md)" >&2
    exit 1
  fi
  cp -R "$suite_dir/_pack/." "$config/"
}

# finish_repo: commits everything, so the run starts from a clean git tree, and installs a staged
# personal pack.
finish_repo() {
  git init -q
  git add -A
  git_eval commit -q -m "scaffold"
  install_personal_pack
}
