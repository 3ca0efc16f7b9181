#!/usr/bin/env bash
# Prepare databases and CKAN for the portal or for the test suite. Idempotent.
#   scripts/ckan-setup.sh portal   ckan.ini, databases, migrations, admin user, seed data
#   scripts/ckan-setup.sh test     test databases (test.ini), DataStore permissions
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_role() {  # name password
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='$1'")" ]; then
    psql_admin -c "CREATE ROLE \"$1\" LOGIN PASSWORD '$2'"
  fi
}
ensure_db() {  # name owner
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$1'")" ]; then
    as_postgres createdb -p "$PG_PORT" -O "$2" -E utf-8 -T template0 "$1"
    echo "created database $1"
  fi
}
datastore_permissions() {  # ini
  "$CKAN" -c "$1" datastore set-permissions 2>/dev/null | psql_admin >/dev/null
}

ensure_role "$DB_USER" "$DB_PASS"
ensure_role "$DS_RO_USER" "$DS_RO_PASS"

case "${1:-}" in
  test)
    # BANDAACEH_TEST_* and CKAN_* are set by scripts/test.sh for BANDAACEH_TEST_SLOT runs
    ensure_db "${BANDAACEH_TEST_DB:-ckan_test}" "$DB_USER"
    ensure_db "${BANDAACEH_TEST_DATASTORE_DB:-datastore_test}" "$DB_USER"
    datastore_permissions "$REPO/test.ini"
    mkdir -p "${CKAN_STORAGE_PATH:-$REPO/var/test-storage}"
    protect_secrets ""
    # every test indexes what it creates: nothing to rebuild after an analysis change
    rm -f "${SOLR_HOME:-$BANDAACEH_CACHE/solr-home}/ckan_test/reindex-needed"
    ;;
  portal)
    ensure_db ckan_default "$DB_USER"
    ensure_db datastore_default "$DB_USER"
    INI="$REPO/ckan.ini"
    protect_secrets "$INI"
    if [ ! -f "$INI" ]; then
      say "Generating $INI"
      (umask 077 && "$CKAN" generate config "$INI" >/dev/null)
    fi
    overlay="$VAR/portal-overrides.ini"
    mkdir -p "$VAR/storage" "$VAR/log"
    (umask 077 && : > "$overlay")
    sed -e "s|@VAR@|$VAR|g" -e "s|@DB_USER@|$DB_USER|g" -e "s|@DB_PASS@|$DB_PASS|g" \
        -e "s|@DS_RO_USER@|$DS_RO_USER|g" -e "s|@DS_RO_PASS@|$DS_RO_PASS|g" \
        -e "s|@PG_PORT@|$PG_PORT|g" -e "s|@SOLR_PORT@|$SOLR_PORT|g" -e "s|@REDIS_PORT@|$REDIS_PORT|g" \
        "$REPO/config/portal.ini" > "$overlay"
    "$CKAN" config-tool "$INI" -f "$overlay" >/dev/null
    export CKAN_INI="$INI"
    say "Migrating the database"
    "$CKAN" db init >/dev/null
    "$CKAN" db upgrade >/dev/null
    "$CKAN" db upgrade -p harvest >/dev/null
    "$CKAN" db upgrade -p bandaaceh >/dev/null
    datastore_permissions "$INI"
    # Administrator: created once, password kept in var/admin-password (0600; `make portal` says
    # where, never what).
    if ! "$CKAN" user show admin 2>/dev/null | grep -q "name=admin"; then
      new_admin_password
      "$CKAN" user add admin email=admin@bandaacehkota.go.id password="$(cat "$ADMIN_PASSWORD_FILE")" \
        fullname="Administrator Portal" >/dev/null
      "$CKAN" sysadmin add admin >/dev/null
    fi
    # API token the xloader jobs use to write to the DataStore.
    if ! grep -q '^ckanext.xloader.api_token = ey' "$INI"; then
      token="$("$CKAN" user token add admin xloader | tail -n 1 | tr -d '[:space:]')"
      "$CKAN" config-tool "$INI" "ckanext.xloader.api_token=$token" >/dev/null
    fi
    protect_secrets "$INI"
    say "Seeding organisations"
    "$CKAN" bandaaceh seed
    # scripts/solr.sh marks a core whose index-time analysis changed (config/solr/schema.xml):
    # the datasets indexed before are re-indexed with the new analysis.
    marker="${SOLR_HOME:-$BANDAACEH_CACHE/solr-home}/ckan/reindex-needed"
    if [ -f "$marker" ]; then
      say "Rebuilding the search index (the Solr analysis changed)"
      "$CKAN" search-index rebuild >/dev/null && rm -f "$marker"
    fi
    ;;
  *) echo "usage: $0 portal|test" >&2; exit 2 ;;
esac
