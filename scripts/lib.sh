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

# Secrets: ckan.ini holds the database passwords, SECRET_KEY and API tokens; var/ holds the admin
# password, the config overlay, uploads and logs. Only the owner may read them.
ADMIN_PASSWORD_FILE="$VAR/admin-password"
protect_secrets() {  # ini: make the ini 0600 and var/ 0700 (also fixes older, world-readable installs)
  mkdir -p "$VAR"
  chmod 700 "$VAR"
  if [ -f "$1" ]; then chmod 600 "$1"; fi
}
new_admin_password() {  # write a fresh random password to $ADMIN_PASSWORD_FILE (created 0600)
  (umask 077 && "$PYTHON" -c 'import secrets;print(secrets.token_urlsafe(12))' > "$ADMIN_PASSWORD_FILE")
}
portal_banner() {  # what `make portal` prints when ready: where the admin password is, never the
  # password itself (the output ends up in terminals' scrollback and logs)
  cat <<TXT

  Portal:   http://127.0.0.1:5000   (Bahasa Indonesia; English at /en/)
  Login:    admin, password in $ADMIN_PASSWORD_FILE (readable by $(id -un) only)
  API:      http://127.0.0.1:5000/api/3/action/package_search
  Solr:     http://127.0.0.1:$SOLR_PORT/solr/ckan
  Logs:     $VAR/log/    Stop: Ctrl-C, then 'make stop' for PostgreSQL/Redis

TXT
}
