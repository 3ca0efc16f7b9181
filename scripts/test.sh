#!/usr/bin/env bash
# The README's second command (make test): install what is missing, start PostgreSQL,
# Redis and Solr, prepare the test databases, and run the whole test suite with CKAN's
# pytest plugin against them. Extra arguments go to pytest (make test ARGS="-k seed").
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
"$REPO/scripts/bootstrap.sh" --test
"$REPO/scripts/services.sh" start
"$REPO/scripts/ckan-setup.sh" test
say "Running the test suite"
exec "$VENV/bin/python" -m pytest "$@"
