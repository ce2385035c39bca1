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

# finish_repo: adds the pack when the runner staged a project install for this pass
# (npm run eval -- --form project writes it to evals/_pack/), then commits everything, so the
# run starts from a clean git tree (worktree isolation needs one).
finish_repo() {
  if [ -d "$suite_dir/_pack" ]; then cp -R "$suite_dir/_pack/." .; fi
  git init -q
  git add -A
  git -c user.name=eval -c user.email=eval@example.invalid -c commit.gpgsign=false commit -q -m "scaffold"
}
