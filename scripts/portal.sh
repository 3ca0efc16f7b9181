#!/usr/bin/env bash
# The README's first command (make portal): install what is missing, start PostgreSQL,
# Redis and Solr, prepare and seed CKAN, then run the portal's processes under honcho.
# The web process is gunicorn (scripts/web.sh); `scripts/portal.sh --dev` (make dev) runs
# `ckan run` with Werkzeug's reloader instead.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
started=$(date +%s)
if [ "${1:-}" = "--dev" ]; then export BANDAACEH_WEB_MODE=dev; fi
"$REPO/scripts/bootstrap.sh"
"$REPO/scripts/services.sh" start
"$REPO/scripts/ckan-setup.sh" portal
if [ -x "$REPO/scripts/portal-samples.sh" ]; then "$REPO/scripts/portal-samples.sh"; fi
banner() {
  say "Portal ready in $(( $(date +%s) - started ))s"
  portal_banner
}
# "Ready" means the web process answers: printed by a watcher while honcho starts the processes.
( for _ in $(seq 240); do
    curl -fsS -m 2 -o /dev/null http://127.0.0.1:5000/api/3/action/status_show 2>/dev/null && { banner; exit 0; }
    sleep 0.5
  done
  say "The web process did not answer on 127.0.0.1:5000 within 2 minutes: see the honcho output above" ) &
exec "$VENV/bin/honcho" -d "$REPO" -f "$REPO/Procfile" start
