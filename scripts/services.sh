#!/usr/bin/env bash
# Start, stop or check the portal's backing services without systemd:
# PostgreSQL 15 (Debian cluster), Redis and Solr 9 (scripts/solr.sh).
#   scripts/services.sh start|stop|status
# start is idempotent: a service that already answers is reused.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mkdir -p "$VAR/log" "$VAR/redis"

pg_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
redis_up() { redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_postgres() {
  if pg_up; then echo "PostgreSQL: already running on port $PG_PORT"; return; fi
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}' | grep -qx "$PG_VERSION/$PG_CLUSTER"; then
    say "Creating PostgreSQL $PG_VERSION cluster '$PG_CLUSTER'"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null
  fi
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  for _ in $(seq 60); do pg_up && break; sleep 0.5; done
  pg_up || die "PostgreSQL did not start; see /var/log/postgresql/"
  echo "PostgreSQL: started on port $PG_PORT"
}

start_redis() {
  if redis_up; then echo "Redis: already running on port $REDIS_PORT"; return; fi
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$VAR/redis" --pidfile "$VAR/redis.pid" --logfile "$VAR/log/redis.log" --save ""
  for _ in $(seq 40); do redis_up && break; sleep 0.25; done
  redis_up || die "Redis did not start; see $VAR/log/redis.log"
  echo "Redis: started on port $REDIS_PORT"
}

case "${1:-}" in
  start)
    start_postgres
    start_redis
    "$REPO/scripts/solr.sh" start
    ;;
  stop)
    "$REPO/scripts/solr.sh" stop || true
    if redis_up; then redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; echo "Redis: stopped"; fi
    if pg_up; then pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop; echo "PostgreSQL: stopped"; fi
    ;;
  status)
    rc=0
    pg_up && echo "PostgreSQL: up" || { echo "PostgreSQL: down"; rc=1; }
    redis_up && echo "Redis: up" || { echo "Redis: down"; rc=1; }
    "$REPO/scripts/solr.sh" status && echo "Solr: up" || { echo "Solr: down"; rc=1; }
    exit $rc
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
