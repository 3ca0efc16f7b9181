#!/usr/bin/env bash
# The README's first command (make portal): install what is missing, start PostgreSQL,
# Redis and Solr, prepare and seed CKAN, then run the portal's processes under honcho.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
started=$(date +%s)
"$REPO/scripts/bootstrap.sh"
"$REPO/scripts/services.sh" start
"$REPO/scripts/ckan-setup.sh" portal
if [ -x "$REPO/scripts/portal-samples.sh" ]; then "$REPO/scripts/portal-samples.sh"; fi
say "Portal ready in $(( $(date +%s) - started ))s"
portal_banner
exec "$VENV/bin/honcho" -d "$REPO" -f "$REPO/Procfile" start
