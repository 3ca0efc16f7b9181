#!/usr/bin/env bash
# make bench: every benchmark in benchmarks/, each printing its ratios against a named baseline.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
"$REPO/scripts/bootstrap.sh"
"$REPO/scripts/services.sh" start >/dev/null
for b in "$REPO"/benchmarks/*.py; do
  # province_scale.py builds a 6,497-gampong portal in its own databases: run it by hand
  [ "$(basename "$b")" = province_scale.py ] && continue
  say "$(basename "$b")"
  "$PYTHON" "$b"
done
