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
cat <<TXT

  Portal:   http://127.0.0.1:5000   (Bahasa Indonesia; English at /en/)
  Login:    admin / $(cat "$VAR/admin-password" 2>/dev/null || echo "see $VAR/admin-password")
  API:      http://127.0.0.1:5000/api/3/action/package_search
  Solr:     http://127.0.0.1:$SOLR_PORT/solr/ckan
  Logs:     $VAR/log/    Stop: Ctrl-C, then 'make stop' for PostgreSQL/Redis

TXT
exec "$VENV/bin/honcho" -d "$REPO" -f "$REPO/Procfile" start
