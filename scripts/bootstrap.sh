#!/usr/bin/env bash
# Installs what the project needs and is missing: Debian packages (PostgreSQL 15,
# PostGIS 3 with GDAL/GEOS/PROJ, the RUM index, and Chromium for the browser tests with
# --with-browser) and the virtual environment in .venv/ from requirements.lock.
# A second run installs nothing and takes a second or two.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
say() { echo "[bootstrap] $*" >&2; }

packages=(postgresql-15 postgresql-15-postgis-3 postgresql-15-rum postgresql-client-15 gettext)
# Pango and a font for WeasyPrint (the orientation sheet as a PDF).
packages+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
if [ "${1:-}" = "--with-browser" ]; then packages+=(chromium); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})"
    exit 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the lock file changed since the last install.
stamp=.venv/.requirements.sha256
wanted=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "installing the locked Python dependencies"
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
  echo "$wanted" > "$stamp"
fi
