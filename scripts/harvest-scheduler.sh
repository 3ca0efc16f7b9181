#!/usr/bin/env bash
# Runs `ckan harvester run` every BANDAACEH_HARVEST_INTERVAL seconds (default 15 min):
# it starts the jobs of harvest sources whose schedule is due and closes finished ones.
# On a server, a cron line `*/15 * * * * ckan -c /etc/ckan/ckan.ini harvester run` does the same.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
interval="${BANDAACEH_HARVEST_INTERVAL:-900}"
while true; do
  "$CKAN" -c "$REPO/ckan.ini" harvester run || echo "harvester run failed; retrying in ${interval}s" >&2
  sleep "$interval"
done
