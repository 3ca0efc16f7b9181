#!/usr/bin/env bash
# The README's second command (make test): install what is missing, start PostgreSQL,
# Redis and Solr, prepare the test databases, and run the whole test suite with CKAN's
# pytest plugin against them. Extra arguments go to pytest (make test ARGS="-k seed").
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
# Several checkouts testing on one machine at once: BANDAACEH_TEST_SLOT=N (2-15) gives this run
# its own databases (ckan_test_N, datastore_test_N), Redis database N, Solr site id (the Solr core
# is shared; CKAN filters and clears it by site id) and storage folder. Unset: test.ini as it is.
if [ -n "${BANDAACEH_TEST_SLOT:-}" ]; then
  slot="$BANDAACEH_TEST_SLOT"
  [[ $slot =~ ^([2-9]|1[0-5])$ ]] || die "BANDAACEH_TEST_SLOT must be a number from 2 to 15"
  export BANDAACEH_TEST_DB="ckan_test_$slot" BANDAACEH_TEST_DATASTORE_DB="datastore_test_$slot"
  pg="127.0.0.1:$PG_PORT"
  export CKAN_SQLALCHEMY_URL="postgresql://$DB_USER:$DB_PASS@$pg/$BANDAACEH_TEST_DB"
  export CKAN_DATASTORE_WRITE_URL="postgresql://$DB_USER:$DB_PASS@$pg/$BANDAACEH_TEST_DATASTORE_DB"
  export CKAN_DATASTORE_READ_URL="postgresql://$DS_RO_USER:$DS_RO_PASS@$pg/$BANDAACEH_TEST_DATASTORE_DB"
  export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$slot?socket_timeout=315360000"
  export CKAN_SITE_ID="bandaaceh-test-$slot"
  export CKAN_STORAGE_PATH="$REPO/var/test-storage-$slot"
fi
"$REPO/scripts/bootstrap.sh" --test
"$REPO/scripts/services.sh" start
"$REPO/scripts/ckan-setup.sh" test
say "Running the test suite"
exec "$VENV/bin/python" -m pytest "$@"
