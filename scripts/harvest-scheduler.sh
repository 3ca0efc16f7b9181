#!/usr/bin/env bash
# Every BANDAACEH_HARVEST_INTERVAL seconds (default 15 min): `ckan bandaaceh harvesters watchdog`
# aborts jobs stuck in "Running" (bandaaceh.harvest.stuck_after), then `ckan harvester run`
# starts the jobs of harvest sources whose schedule is due and closes finished ones.
# On a server, a cron line running both commands every 15 minutes does the same.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
interval="${BANDAACEH_HARVEST_INTERVAL:-900}"
while true; do
  "$CKAN" -c "$REPO/ckan.ini" bandaaceh harvesters watchdog || echo "harvest watchdog failed" >&2
  "$CKAN" -c "$REPO/ckan.ini" harvester run || echo "harvester run failed; retrying in ${interval}s" >&2
  sleep "$interval"
done
