#!/usr/bin/env bash
# `make run`: set up what is missing, then serve the site on http://127.0.0.1:8000
# with gunicorn, as production does. Data already loaded is kept: a second run
# migrates and checks, but reloads nothing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

scripts/bootstrap.sh
DATABASE_URL=$(scripts/database.sh url)
export DATABASE_URL
PY=.venv/bin/python

$PY manage.py migrate --no-input -v 0
$PY manage.py load_initial_data
$PY manage.py compilemessages --ignore=.venv -v 0
$PY manage.py collectstatic --no-input -v 0

bind=${BIND:-127.0.0.1:8000}
echo "[run] serving on http://$bind (Ctrl-C to stop)" >&2
exec .venv/bin/gunicorn marketplace.wsgi:application --bind "$bind" \
  --workers "${WEB_CONCURRENCY:-3}" --timeout "${GUNICORN_TIMEOUT:-120}" --access-logfile - --forwarded-allow-ips '*'
