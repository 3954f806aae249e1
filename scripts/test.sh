#!/usr/bin/env bash
# `make test`: the same set-up as `make run` (plus Chromium for the browser
# tests), then the whole test suite against real PostGIS. Extra arguments go to
# pytest. A private cluster this script started is stopped again at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

scripts/bootstrap.sh --with-browser

was_running=0
scripts/database.sh status && was_running=1
DATABASE_URL=$(scripts/database.sh url)
export DATABASE_URL
if [ "$was_running" = 0 ] && scripts/database.sh status; then
  trap 'scripts/database.sh stop' EXIT
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
.venv/bin/python -m pytest "$@"
