#!/usr/bin/env bash
# The portal's web process (Procfile "web:"): gunicorn with deploy/gunicorn.conf.py on
# deploy/wsgi.py. BANDAACEH_WEB_MODE=dev (set by `make dev`) runs `ckan run` instead, with
# Werkzeug's reloader (and its debugger when ckan.ini says debug = true): never in production.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
export CKAN_INI="${CKAN_INI:-$REPO/ckan.ini}"
if [ "${BANDAACEH_WEB_MODE:-}" = "dev" ]; then
  exec "$CKAN" -c "$CKAN_INI" run --host 127.0.0.1 --port 5000
fi
exec "$VENV/bin/gunicorn" -c "$REPO/deploy/gunicorn.conf.py" deploy.wsgi:application
