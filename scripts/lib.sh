# Shared settings of the portal scripts. Sourced, not run.
# Every value can be overridden from the environment (see README "Configuration").
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BANDAACEH_VENV:-$REPO/.venv}"
VAR="${BANDAACEH_VAR:-$REPO/var}"
export BANDAACEH_CACHE="${BANDAACEH_CACHE:-$HOME/.cache/bandaaceh}"
export PYTHON="$VENV/bin/python"
CKAN="$VENV/bin/ckan"
PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
export SOLR_PORT="${SOLR_PORT:-8983}"
# Database role used by CKAN and the DataStore (local development and tests only).
DB_USER="${BANDAACEH_DB_USER:-ckan_default}"
DB_PASS="${BANDAACEH_DB_PASS:-pass}"
DS_RO_USER="${BANDAACEH_DS_RO_USER:-datastore_ro}"
DS_RO_PASS="${BANDAACEH_DS_RO_PASS:-pass}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qAt "$@"; }
