#!/usr/bin/env bash
# Local Apache Solr 9.10.1 for CKAN (ckanext-bandaaceh): a real Solr (Jetty +
# solr-core from Maven Central), with two cores, `ckan` and `ckan_test`, using
# CKAN's own schema.xml. See scripts/solr/README.md.
#
#   scripts/solr.sh start|stop|restart|status|foreground|build
#
# Env: SOLR_PORT (8983), BANDAACEH_CACHE (~/.cache/bandaaceh), SOLR_HOME
# ($BANDAACEH_CACHE/solr-home), CKAN_SCHEMA_XML, PYTHON (python3), SOLR_HEAP
# (512m), SOLR_JAVA_OPTS, SOLR_START_TIMEOUT (180 s).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
SRC_DIR=$SCRIPT_DIR/solr
SOLRCONFIG_XML=$REPO_DIR/config/solr/solrconfig.xml

SOLR_VERSION=9.10.1
SOLR_PORT=${SOLR_PORT:-8983}
BANDAACEH_CACHE=${BANDAACEH_CACHE:-$HOME/.cache/bandaaceh}
SOLR_CACHE=$BANDAACEH_CACHE/solr-$SOLR_VERSION
SOLR_HOME=${SOLR_HOME:-$BANDAACEH_CACHE/solr-home}
SOLR_HEAP=${SOLR_HEAP:-512m}
SOLR_START_TIMEOUT=${SOLR_START_TIMEOUT:-180}
PYTHON=${PYTHON:-python3}
CORES=(ckan ckan_test)

LAUNCHER_CLASS=bandaaceh.solr.SolrLauncher
PIDFILE=$SOLR_HOME/solr.pid
LOG_DIR=$SOLR_HOME/logs
CONSOLE_LOG=$LOG_DIR/console.log
BASE_URL=http://127.0.0.1:$SOLR_PORT/solr

say() { echo "solr.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# ---------------------------------------------------------------- build ----

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Download the runtime jars (once, into $SOLR_CACHE/lib, with a Maven local
# repository in $SOLR_CACHE/m2) and compile the launcher (into
# $SOLR_CACHE/classes). Both are skipped while their stamp matches the sources.
build() {
  command -v java >/dev/null || die "java (17+) is not installed"
  mkdir -p "$SOLR_CACHE"
  exec 8>"$SOLR_CACHE/.build.lock"
  flock -w 900 8 || die "timed out waiting for another build ($SOLR_CACHE/.build.lock)"

  local sources deps_hash cls_hash
  sources=$(find "$SRC_DIR/src/main/java" -name '*.java' | LC_ALL=C sort)
  deps_hash=$(hash_of "$SRC_DIR/pom.xml")
  # shellcheck disable=SC2086
  cls_hash=$(hash_of "$SRC_DIR/pom.xml" $sources)

  if [[ ! -d $SOLR_CACHE/lib || "$(cat "$SOLR_CACHE/lib.stamp" 2>/dev/null)" != "$deps_hash" ]]; then
    command -v mvn >/dev/null || die "mvn is not installed (needed once, to download Solr $SOLR_VERSION)"
    say "downloading Solr $SOLR_VERSION jars from Maven Central into $SOLR_CACHE (once) ..."
    rm -rf "$SOLR_CACHE/lib.tmp"
    mvn -B -q -ntp -f "$SRC_DIR/pom.xml" \
      -Dmaven.repo.local="$SOLR_CACHE/m2" \
      -Dbandaaceh.build.dir="$SOLR_CACHE/target" \
      dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$SOLR_CACHE/lib.tmp" \
      >"$SOLR_CACHE/mvn.log" 2>&1 \
      || { tail -n 40 "$SOLR_CACHE/mvn.log" >&2; die "mvn dependency:copy-dependencies failed (log: $SOLR_CACHE/mvn.log)"; }
    rm -rf "${SOLR_CACHE:?}/lib"
    mv "$SOLR_CACHE/lib.tmp" "$SOLR_CACHE/lib"
    echo "$deps_hash" >"$SOLR_CACHE/lib.stamp"
    rm -f "$SOLR_CACHE/classes.stamp"
  fi

  if [[ ! -d $SOLR_CACHE/classes || "$(cat "$SOLR_CACHE/classes.stamp" 2>/dev/null)" != "$cls_hash" ]]; then
    command -v javac >/dev/null || die "javac (JDK 17+) is not installed"
    say "compiling $LAUNCHER_CLASS ..."
    rm -rf "$SOLR_CACHE/classes.tmp"
    # shellcheck disable=SC2086
    javac -nowarn --release 17 -encoding UTF-8 -cp "$SOLR_CACHE/lib/*" \
      -d "$SOLR_CACHE/classes.tmp" $sources >&2 || die "javac failed"
    rm -rf "${SOLR_CACHE:?}/classes"
    mv "$SOLR_CACHE/classes.tmp" "$SOLR_CACHE/classes"
    echo "$cls_hash" >"$SOLR_CACHE/classes.stamp"
  fi

  flock -u 8
  exec 8>&-
}

# ------------------------------------------------------------ solr home ----

find_schema() {
  if [[ -n ${CKAN_SCHEMA_XML:-} ]]; then
    [[ -f $CKAN_SCHEMA_XML ]] || die "CKAN_SCHEMA_XML=$CKAN_SCHEMA_XML does not exist"
    echo "$CKAN_SCHEMA_XML"
    return
  fi
  local ckan_dir
  if ckan_dir=$("$PYTHON" -c 'import ckan,os;print(os.path.dirname(ckan.__file__))' 2>/dev/null) \
     && [[ -f $ckan_dir/config/solr/schema.xml ]]; then
    echo "$ckan_dir/config/solr/schema.xml"
    return
  fi
  if [[ -f $SOLR_HOME/${CORES[0]}/conf/schema.xml ]]; then
    say "warning: ckan is not importable with $PYTHON and CKAN_SCHEMA_XML is unset;" \
        "keeping the schema.xml already in $SOLR_HOME"
    echo "$SOLR_HOME/${CORES[0]}/conf/schema.xml"
    return
  fi
  die "cannot find CKAN's schema.xml: set CKAN_SCHEMA_XML=/path/to/ckan/config/solr/schema.xml" \
      "or PYTHON=/path/to/venv/bin/python (a Python where 'import ckan' works)"
}

# install SRC DEST: copy when different; returns 0 if DEST changed.
install_file() {
  if [[ -f $2 ]] && cmp -s "$1" "$2"; then return 1; fi
  cp "$1" "$2.tmp" && mv "$2.tmp" "$2"
  return 0
}

# Create or refresh the Solr home and its cores. Sets CHANGED_CORES to the
# existing cores whose conf/ changed (they need a RELOAD if Solr is running).
CHANGED_CORES=()
sync_home() {
  local schema core conf changed
  schema=$(find_schema)
  [[ -f $SOLRCONFIG_XML ]] || die "missing $SOLRCONFIG_XML"
  mkdir -p "$SOLR_HOME" "$LOG_DIR"
  install_file "$SRC_DIR/solr.xml" "$SOLR_HOME/solr.xml" || true
  install_file "$SRC_DIR/log4j2.xml" "$SOLR_HOME/log4j2.xml" || true
  CHANGED_CORES=()
  for core in "${CORES[@]}"; do
    conf=$SOLR_HOME/$core/conf
    changed=0
    mkdir -p "$conf" "$SOLR_HOME/$core/data"
    if [[ ! -f $SOLR_HOME/$core/core.properties ]]; then
      printf 'name=%s\nconfig=solrconfig.xml\nschema=schema.xml\ndataDir=data\n' "$core" \
        >"$SOLR_HOME/$core/core.properties"
    fi
    # the schema's analyzers refer to these word lists; empty = no synonyms
    [[ -f $conf/synonyms.txt ]] || : >"$conf/synonyms.txt"
    [[ -f $conf/protwords.txt ]] || : >"$conf/protwords.txt"
    if [[ $schema != "$conf/schema.xml" ]] && install_file "$schema" "$conf/schema.xml"; then changed=1; fi
    if install_file "$SOLRCONFIG_XML" "$conf/solrconfig.xml"; then changed=1; fi
    if ((changed)); then CHANGED_CORES+=("$core"); fi
  done
}

# -------------------------------------------------------------- process ----

solr_pid() {
  local pid
  [[ -f $PIDFILE ]] || return 1
  pid=$(head -n1 "$PIDFILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # guard against a recycled pid: it must be our launcher
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$LAUNCHER_CLASS" || return 1
  echo "$pid"
}

core_ok() {
  curl -fsS -m 10 "$BASE_URL/$1/admin/ping?wt=json" 2>/dev/null | grep -q '"status":"OK"'
}

healthy() {
  local core
  for core in "${CORES[@]}"; do core_ok "$core" || return 1; done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$SOLR_PORT") 2>/dev/null; }

java_cmd() {
  local -a opts=(
    -Xms64m "-Xmx$SOLR_HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError
    -Dfile.encoding=UTF-8 -Duser.timezone=UTC
    "-Dsolr.solr.home=$SOLR_HOME" "-Dsolr.log.dir=$LOG_DIR"
    "-Dlog4j2.configurationFile=$SOLR_HOME/log4j2.xml"
    "-Dsolr.install.dir=$SOLR_CACHE"
    # CKAN talks only to the v1 API; skipping Jersey (v2 API) setup per core
    # cuts the start-up time by about a third
    -Ddisable.v2.api=true
  )
  # shellcheck disable=SC2206
  [[ -n ${SOLR_JAVA_OPTS:-} ]] && opts+=($SOLR_JAVA_OPTS)
  JAVA_CMD=(java "${opts[@]}" -cp "$SOLR_CACHE/classes:$SOLR_CACHE/lib/*"
            "$LAUNCHER_CLASS" "$SOLR_HOME" "$SOLR_PORT")
}

lock_home() {
  mkdir -p "$SOLR_HOME"
  exec 9>"$SOLR_HOME/.solr.lock"
  flock -w 600 9 || die "timed out waiting for another solr.sh ($SOLR_HOME/.solr.lock)"
}

reload_changed() {
  local core
  for core in "${CHANGED_CORES[@]}"; do
    say "conf of core $core changed: reloading it"
    curl -fsS -m 120 -o /dev/null "$BASE_URL/admin/cores?action=RELOAD&core=$core&wt=json" \
      || die "RELOAD of core $core failed (see $LOG_DIR/solr.log)"
  done
}

wait_healthy() { # pid
  local deadline=$((SECONDS + SOLR_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$1" 2>/dev/null; then
      say "Solr exited during startup; last lines of $CONSOLE_LOG:"
      tail -n 20 "$CONSOLE_LOG" >&2 || true
      [[ -f $LOG_DIR/solr.log ]] && { say "last lines of $LOG_DIR/solr.log:"; tail -n 20 "$LOG_DIR/solr.log" >&2; }
      return 1
    fi
    healthy && return 0
    sleep 0.3
  done
  say "Solr did not answer on $BASE_URL within ${SOLR_START_TIMEOUT}s (see $LOG_DIR)"
  return 1
}

cmd_build() {
  build
  say "Solr $SOLR_VERSION runtime ready in $SOLR_CACHE"
}

cmd_start() {
  local pid
  lock_home
  build
  sync_home
  if pid=$(solr_pid); then
    if ! healthy; then
      say "Solr (pid $pid) is running but not answering yet; waiting ..."
      wait_healthy "$pid" || exit 1
    fi
    ((${#CHANGED_CORES[@]})) && reload_changed
    say "Solr already running (pid $pid)"
    echo "$BASE_URL"
    return 0
  fi
  rm -f "$PIDFILE"
  if port_in_use; then
    die "port $SOLR_PORT on 127.0.0.1 is taken by another process (not started by solr.sh for $SOLR_HOME)"
  fi
  java_cmd
  say "starting Solr $SOLR_VERSION on $BASE_URL (home $SOLR_HOME, log $LOG_DIR) ..."
  local t0=$SECONDS
  {
    echo "=== $(date -u +%FT%TZ) start"
  } >>"$CONSOLE_LOG"
  nohup "${JAVA_CMD[@]}" </dev/null >>"$CONSOLE_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  if ! wait_healthy "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
    exit 1
  fi
  say "Solr up (pid $pid) in $((SECONDS - t0))s; cores: ${CORES[*]}"
  echo "$BASE_URL"
}

cmd_stop() {
  local pid i
  if ! pid=$(solr_pid); then
    rm -f "$PIDFILE"
    say "Solr is not running"
    return 0
  fi
  say "stopping Solr (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 600; i++)); do   # 60 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "Solr did not stop within 60s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PIDFILE"
  say "stopped"
}

cmd_status() {
  local pid
  if pid=$(solr_pid) && healthy; then
    say "Solr running (pid $pid), cores ${CORES[*]} healthy"
    echo "$BASE_URL"
    return 0
  fi
  if [[ -n ${pid:-} ]]; then say "Solr process $pid is up but not healthy"; else say "Solr is not running"; fi
  return 1
}

cmd_foreground() {
  local pid
  if pid=$(solr_pid); then
    say "Solr already running (pid $pid, started by 'solr.sh start'): watching it; Ctrl-C/TERM stops it"
    trap 'cmd_stop; exit 0' INT TERM
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1 &
      wait $! || true
    done
    say "Solr (pid $pid) exited"
    exit 0
  fi
  lock_home
  build
  sync_home
  if port_in_use; then
    die "port $SOLR_PORT on 127.0.0.1 is taken by another process"
  fi
  java_cmd
  echo "$$" >"$PIDFILE"   # exec keeps this pid
  say "running Solr $SOLR_VERSION in the foreground on $BASE_URL (log $LOG_DIR/solr.log)"
  flock -u 9
  exec 9>&-
  exec "${JAVA_CMD[@]}"
}

usage() {
  echo "usage: $0 start|stop|restart|status|foreground|build" >&2
  exit 2
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  foreground) cmd_foreground ;;
  build) cmd_build ;;
  *) usage ;;
esac
