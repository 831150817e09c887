#!/usr/bin/env bash
# Exercise scripts/dev.sh on a throwaway stack beside whatever already runs: the start
# path, the reuse path, `stop` (stops what it started, never what it reused), a second
# `run` while one serves, and recovery after `kill -9` of a running `run`.
#
#   scripts/check-devstack.sh
#
# Uses its own ports and PostgreSQL cluster (PG_PORT [first free from 5442], REDIS_PORT
# [from 6389], CKAN_PORT [from 5010], PG_CLUSTER [devstack-check-<pid>]) and two throwaway
# DEV_DIRs in /tmp, and
# the project's .venv (run it after `make test` or `make setup`). Never touches the
# servers on other ports. Drops the throwaway cluster at the end. Needs root or sudo
# (it creates a PostgreSQL cluster). Measured: 7 min 16 s wall, 71 s CPU, on a 2-core machine
# at load 9 (two full `run`s dominate). Exit status 0 = all passed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {  # the first free port from $1 on
    local p=$1
    while port_open "$p"; do p=$((p + 1)); done
    echo "$p"
}
# Ports not given are the first free ones from 5442, 6389 and 5010.
export PG_PORT=${PG_PORT:-$(free_port 5442)} REDIS_PORT=${REDIS_PORT:-$(free_port 6389)}
export CKAN_PORT=${CKAN_PORT:-$(free_port 5010)}
export PG_CLUSTER=${PG_CLUSTER:-devstack-check-$$} PG_VERSION=${PG_VERSION:-15}
DEVSH="$ROOT/scripts/dev.sh"
WORK=$(mktemp -d /tmp/provincialstats-devstack.XXXXXX)
A="$WORK/a" B="$WORK/b"
failures=0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pass() { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() {  # description command...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
serves() {  # the catalogue answers status_show within $1 seconds
    "$ROOT/.venv/bin/python" - "$CKAN_PORT" "$1" <<'PY'
import json, sys, time, urllib.request
port, limit = sys.argv[1], float(sys.argv[2])
end = time.time() + limit
while True:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=5) as r:
            sys.exit(0 if json.load(r)["success"] else 1)
    except Exception:
        if time.time() > end:
            sys.exit(1)
        time.sleep(1)
PY
}
cluster_exists() { pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c' | grep -q .; }

for p in "$PG_PORT" "$REDIS_PORT" "$CKAN_PORT"; do
    port_open "$p" && { echo "port $p is in use: choose others (PG_PORT, REDIS_PORT, CKAN_PORT)"; exit 2; }
done
cluster_exists && { echo "a cluster $PG_VERSION/$PG_CLUSTER exists already: choose another PG_CLUSTER"; exit 2; }
[ -x "$ROOT/.venv/bin/ckan" ] || { echo "no .venv: run make setup (or make test) first"; exit 2; }

cleanup() {
    DEV_DIR="$B" "$DEVSH" stop >/dev/null 2>&1
    DEV_DIR="$A" "$DEVSH" stop >/dev/null 2>&1
    if cluster_exists; then as_root pg_dropcluster --stop "$PG_VERSION" "$PG_CLUSTER"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
started=$(date +%s)
echo "ports: PG_PORT=$PG_PORT REDIS_PORT=$REDIS_PORT CKAN_PORT=$CKAN_PORT, cluster $PG_VERSION/$PG_CLUSTER, in $WORK"

stamp() { printf '      (%s s)\n' $(( $(date +%s) - started )); }
echo "1. start path: nothing answers on the ports"
DEV_DIR="$A" "$DEVSH" setup >"$WORK/setup-a.log" 2>&1
check "setup succeeds" test $? -eq 0 || tail -n 20 "$WORK/setup-a.log"
check "it created and started the cluster $PG_CLUSTER" grep -q "Starting PostgreSQL $PG_VERSION/$PG_CLUSTER" "$WORK/setup-a.log"
check "it started Redis" grep -q "Starting Redis on port $REDIS_PORT" "$WORK/setup-a.log"
check "recorded both in .dev/started" test -s "$A/started/postgres-$PG_PORT" -a -s "$A/started/redis-$REDIS_PORT"

stamp
echo "2. reuse path: another stack directory, servers already answering"
DEV_DIR="$B" "$DEVSH" setup >"$WORK/setup-b.log" 2>&1
check "setup succeeds" test $? -eq 0 || tail -n 20 "$WORK/setup-b.log"
check "PostgreSQL reused" grep -q "PostgreSQL on port $PG_PORT: reusing" "$WORK/setup-b.log"
check "Redis reused" grep -q "Redis on port $REDIS_PORT: reusing" "$WORK/setup-b.log"
check "no package installed" bash -c "! grep -q 'Installing Debian packages' '$WORK/setup-b.log'"
check "nothing recorded as started" bash -c "[ -z \"\$(ls -A '$B/started')\" ]"
DEV_DIR="$B" "$DEVSH" stop >"$WORK/stop-b.log" 2>&1
check "stop of the reusing stack leaves PostgreSQL running" port_open "$PG_PORT"
check "... and Redis running" port_open "$REDIS_PORT"

stamp
echo "3. run, a second run, kill -9, run again"
DEV_DIR="$A" setsid "$DEVSH" run >"$WORK/run1.log" 2>&1 &
check "the catalogue serves on $CKAN_PORT" serves 240 || tail -n 20 "$WORK/run1.log"
pid1=$(cat "$A/run.pid" 2>/dev/null)
DEV_DIR="$A" "$DEVSH" run >"$WORK/run2.log" 2>&1
rc=$?
check "a second run refuses (exit $rc) and names the running one" \
    grep -q "already running (pid $pid1)" "$WORK/run2.log"
kill -9 "$pid1"
sleep 1
check "after kill -9 of the run (pid $pid1) its server is orphaned but still serves" serves 5
DEV_DIR="$A" setsid "$DEVSH" run >"$WORK/run3.log" 2>&1 &
pid3=""
for _ in $(seq 120); do  # the new run writes its pid once it holds the lock
    pid3=$(cat "$A/run.pid" 2>/dev/null || true)
    [ -n "$pid3" ] && [ "$pid3" != "$pid1" ] && break
    sleep 1
done
check "a new run cleans up what the dead run left" grep -q "previous run (pid $pid1) is gone" "$WORK/run3.log"
check "... takes the lock (pid ${pid3:-none})" test -n "$pid3" -a "$pid3" != "$pid1"
check "... and serves again" serves 240 || tail -n 20 "$WORK/run3.log"
check "... from that live run" kill -0 "${pid3:-0}"

stamp
echo "4. stop stops the catalogue and what dev.sh started"
DEV_DIR="$A" "$DEVSH" stop >"$WORK/stop-a.log" 2>&1
cat "$WORK/stop-a.log" | sed 's/^/      /'
check "the catalogue is stopped" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$CKAN_PORT) 2>/dev/null"
check "the run's processes are gone" bash -c "! kill -0 ${pid3:-0} 2>/dev/null"
check "PostgreSQL $PG_CLUSTER is stopped" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$PG_PORT) 2>/dev/null"
check "Redis is stopped" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$REDIS_PORT) 2>/dev/null"
check "the records are gone" bash -c "[ -z \"\$(ls -A '$A/started')\" ]"
DEV_DIR="$A" "$DEVSH" stop >"$WORK/stop-a2.log" 2>&1
check "a second stop says nothing runs" grep -q "no catalogue is running" "$WORK/stop-a2.log"

echo "$failures failure(s) in $(( $(date +%s) - started )) s"
[ "$failures" -eq 0 ]
