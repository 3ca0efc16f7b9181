#!/usr/bin/env bash
# Install what the portal needs on a Debian machine: system packages (PostgreSQL 15,
# Redis, libmagic) and the Python virtualenv (.venv) with CKAN 2.12 and the extensions.
# Idempotent: a second run checks and returns in a second or two.
#   scripts/bootstrap.sh            portal dependencies
#   scripts/bootstrap.sh --test     plus what the test suite needs (Chromium for browser tests,
#                                   nginx for the deploy/ site test)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

pkgs=(postgresql-15 postgresql-contrib redis-server libmagic1 curl)
[ $want_test = 1 ] && pkgs+=(chromium nginx)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The postgresql package would try to start a cluster through systemd/init: keep it quiet.
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v java >/dev/null || die "Java 17 is required for Solr (apt-get install openjdk-17-jre-headless)"
command -v mvn >/dev/null || die "Maven is required to fetch Solr (apt-get install maven)"

stamp="$VENV/.bandaaceh-stamp"
want="$(cat "$REPO/requirements.txt" "$REPO/setup.py" | sha256sum | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ]; then
  say "Creating virtualenv $VENV"
  python3 -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Installing CKAN 2.12 and extensions into $VENV (a few minutes the first time)"
  "$VENV/bin/pip" install -q -U pip wheel
  "$VENV/bin/pip" install -q -r "$REPO/requirements.txt"
  # See requirements.txt: its metadata over-pins urllib3/idna/certifi against CKAN's pins.
  "$VENV/bin/pip" install -q --no-deps ckanext-xloader==2.6.0
  "$VENV/bin/pip" install -q --no-deps -e "$REPO"
  echo "$want" > "$stamp"
else
  # A new clone shares nothing with .venv but the editable link: keep it pointing here.
  "$VENV/bin/python" -c "import ckanext.bandaaceh" 2>/dev/null || "$VENV/bin/pip" install -q --no-deps -e "$REPO"
fi
"$REPO/scripts/i18n.sh" compile  # translations: .mo files are build output (git-ignored)
say "Dependencies ready"
