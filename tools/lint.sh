#!/usr/bin/env bash
# `make lint`: ruff, ruff-format, pylint-odoo, OCA's XML/CSV/PO checks, text checks and
# the Odoo 19 idiom gate -- the hooks of .pre-commit-config.yaml, all local.
#
#   tools/lint.sh          check only; exits non-zero on any finding
#   tools/lint.sh --fix    first apply ruff's safe fixes and ruff format, then check
#
# The tools live in .venv-lint (git-ignored), built from requirements-dev.txt with
# $LINT_PYTHON (default: python3, >= 3.10) and rebuilt whenever that file changes
# (a hash stamp inside the venv). Files checked: every tracked file plus new files
# not git-ignored (in a fresh clone: exactly the tracked ones). Skip a hook with
# pre-commit's SKIP variable, e.g. SKIP=odoo-upgrade-code tools/lint.sh where
# Odoo 19 is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
for arg in "$@"; do
  case "$arg" in
    --fix) fix=1 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "lint.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

venv=.venv-lint
py="${LINT_PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "lint.sh: '$py' is not Python >= 3.10; set LINT_PYTHON to one that is." >&2
  exit 2
fi
# The stamp covers the requirements and the interpreter the venv was made from.
stamp="$( { cat requirements-dev.txt; "$py" -c 'import sys; print(sys.version, sys.executable)'; } \
  | sha256sum | cut -d' ' -f1)"
# Two lint runs in one work tree must not build the venv at the same time.
if command -v flock >/dev/null; then
  exec 9>"${TMPDIR:-/tmp}/lint-venv-$(pwd | sha256sum | cut -c1-12).lock"
  flock 9
fi
if [ "$(cat "$venv/.requirements-dev.sha256" 2>/dev/null)" != "$stamp" ]; then
  echo "lint.sh: building $venv from requirements-dev.txt ..."
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r requirements-dev.txt
  echo "$stamp" > "$venv/.requirements-dev.sha256"
fi

# pre-commit keeps its small state inside the venv, not in ~/.cache.
export PRE_COMMIT_HOME="$PWD/$venv/pre-commit-home"

# Tracked files and new, not ignored ones; deleted-but-tracked files left out.
mapfile -d '' files < <(git ls-files -z --cached --others --exclude-standard)
existing=()
for f in "${files[@]}"; do
  [ -e "$f" ] && existing+=("$f")
done

if [ "$fix" = 1 ]; then
  mapfile -t pyfiles < <(printf '%s\n' "${existing[@]}" | grep -E '\.pyi?$' || true)
  if [ "${#pyfiles[@]}" -gt 0 ]; then
    "$venv/bin/ruff" check --fix --force-exclude --exit-zero --silent "${pyfiles[@]}"
    "$venv/bin/ruff" format --force-exclude --quiet "${pyfiles[@]}"
  fi
fi

if "$venv/bin/pre-commit" run --files "${existing[@]}"; then
  echo "lint: no findings"
else
  echo "lint: findings above (ruff's: tools/lint.sh --fix fixes most)" >&2
  exit 1
fi
