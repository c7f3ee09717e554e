#!/usr/bin/env bash
# Install and run the whole test suite: the README's test command and what CI runs.
# Starts a throwaway PostgreSQL server for the PostgreSQL tests (installing Debian's
# package when root); ANTENNE_REQUIRE_POSTGRES=1 makes a missing server an error.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -e '.[dev]'
.venv/bin/ruff check .
# The knowledge base must be written in its own words: no long runs copied from the
# seed documents (../shared sits beside the checkout; ANTENNE_SHARED_DIR overrides).
shared=${ANTENNE_SHARED_DIR:-../shared}
if ! copycheck=$(python3 "$shared/tools/copycheck.py" . "$shared/seeds" 2>&1); then
  echo "$copycheck" >&2
  exit 1
fi
echo "$copycheck" | tail -n 1
pgdir=$(mktemp -d /tmp/antenne-pg.XXXXXX)
trap 'scripts/postgres.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
if url=$(scripts/postgres.sh start "$pgdir"); then
  export ANTENNE_TEST_POSTGRES_URL=$url
else
  echo "PostgreSQL could not be started: its tests will be skipped" >&2
fi
.venv/bin/pytest -q "$@"
