#!/usr/bin/env bash
# One script for the development catalogue and the tests (called by the Makefile).
#
#   scripts/dev.sh run     set everything up, load the demo, serve on 127.0.0.1:5000
#   scripts/dev.sh test    set everything up but the server, then run pytest
#   scripts/dev.sh setup   set everything up and stop
#   scripts/dev.sh stop    stop a catalogue started by `run`
#
# Everything is idempotent: a second run reuses the virtualenv, the services, the
# databases, the configuration and the admin token, and loses nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PYTHON=${PYTHON:-python3.11}
VENV="$ROOT/.venv"
DEV="$ROOT/.dev"
INI="$DEV/ckan.ini"
PG_VERSION=15
PG_PORT=5432
REDIS_PORT=6379
CKAN_PORT=5000
DB_PASSWORD=pass
PLUGINS="activity provincialstats_search provincialstats scheming_datasets scheming_groups \
dcat harvest ckan_harvester dcat_rdf_harvester datastore datatables_view"
APT_PACKAGES="postgresql-$PG_VERSION postgresql-contrib redis-server libpq-dev gcc python3-dev python3-venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- system packages ------------------------------------------------------------------
ensure_apt_packages() {
    local missing=()
    for p in $APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    if ! command -v "$PYTHON" >/dev/null; then
        PYTHON=python3
        "$PYTHON" -c 'import sys; assert sys.version_info[:2] >= (3, 10)' 2>/dev/null \
            || die "Python 3.11 is needed (python3.11 not found on PATH)."
    fi
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
        die "missing Debian packages: ${missing[*]}. Install them as root: apt-get install ${missing[*]}"
    fi
    local SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    say "Installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq >/dev/null || die "apt-get update failed (network?)."
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed: install them by hand and rerun."
}

# --- PostgreSQL -----------------------------------------------------------------------
ensure_postgres() {
    if as_postgres psql -p "$PG_PORT" -tAc 'select 1' >/dev/null 2>&1; then
        return   # a server (ours or the machine's) already answers on the standard port
    fi
    if port_open "$PG_PORT"; then
        die "port $PG_PORT is in use by something that is not a PostgreSQL server this user can reach as 'postgres'. Stop it, or free the port, and rerun."
    fi
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$PG_VERSION main$"; then
        say "Creating PostgreSQL $PG_VERSION cluster 'main' (C.UTF-8)"
        pg_createcluster --locale C.UTF-8 -p "$PG_PORT" "$PG_VERSION" main >/dev/null
    fi
    say "Starting PostgreSQL $PG_VERSION"
    pg_ctlcluster "$PG_VERSION" main start || die "PostgreSQL did not start: see /var/log/postgresql/postgresql-$PG_VERSION-main.log"
    for _ in $(seq 30); do
        as_postgres psql -p "$PG_PORT" -tAc 'select 1' >/dev/null 2>&1 && return
        sleep 0.5
    done
    die "PostgreSQL does not answer on port $PG_PORT."
}

psql_admin() { as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }

ensure_role() {  # name
    if [ -z "$(psql_admin -c "select 1 from pg_roles where rolname='$1'")" ]; then
        psql_admin -c "create role $1 login password '$DB_PASSWORD'"
    fi
}

ensure_database() {  # name owner
    if [ -z "$(psql_admin -c "select 1 from pg_database where datname='$1'")" ]; then
        say "Creating database $1"
        psql_admin -c "create database $1 owner $2 encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8' template template0"
    fi
    local ctype
    ctype=$(psql_admin -c "select datctype from pg_database where datname='$1'")
    case "$ctype" in
        *UTF-8*|*utf8*|*UTF8*) ;;
        *) die "database $1 has LC_CTYPE '$ctype'; Thai search needs a UTF-8 LC_CTYPE. Drop it (dropdb $1) and rerun." ;;
    esac
}

ensure_databases() {
    ensure_role ckan_default
    ensure_role datastore_ro
    for db in ckan_default ckan_test datastore_default datastore_test; do
        ensure_database "$db" ckan_default
    done
    for db in ckan_default ckan_test; do
        # pg_trgm is trusted in PostgreSQL 13+, but create it as the superuser anyway.
        psql_admin -d "$db" -c "create extension if not exists pg_trgm"
    done
}

# --- Redis ----------------------------------------------------------------------------
ensure_redis() {
    if [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then return; fi
    if port_open "$REDIS_PORT"; then
        die "port $REDIS_PORT is in use by something that is not Redis. Free it and rerun."
    fi
    say "Starting Redis on port $REDIS_PORT"
    mkdir -p "$DEV/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
        --dir "$DEV/redis" --logfile "$DEV/redis/redis.log" --save "" >/dev/null
    for _ in $(seq 30); do
        [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return
        sleep 0.2
    done
    die "Redis does not answer on port $REDIS_PORT: see $DEV/redis/redis.log"
}

# --- virtualenv -----------------------------------------------------------------------
ensure_venv() {
    [ -x "$VENV/bin/python" ] || { say "Creating $VENV"; "$PYTHON" -m venv "$VENV"; }
    local stamp="$DEV/pip.stamp" want
    want=$(cat setup.py | sha1sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$VENV/bin/python" -c 'import ckanext.provincialstats' 2>/dev/null; then
        say "Installing the extension and its pinned stack into .venv"
        "$VENV/bin/pip" install -q --upgrade pip setuptools wheel
        "$VENV/bin/pip" install -q -e ".[test]"
        echo "$want" > "$stamp"
    fi
}

CKAN() { "$VENV/bin/ckan" -c "$INI" "$@"; }

# --- configuration --------------------------------------------------------------------
ensure_config() {
    mkdir -p "$DEV/storage"
    [ -s "$DEV/secret" ] || "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$DEV/secret"
    chmod 600 "$DEV/secret"
    ROOT="$ROOT" SECRET=$(cat "$DEV/secret") PLUGINS="$PLUGINS" PG_PORT=$PG_PORT \
    REDIS_PORT=$REDIS_PORT DB_PASSWORD=$DB_PASSWORD "$VENV/bin/python" - <<'PY'
import os, string, pathlib
root = pathlib.Path(os.environ["ROOT"])
text = (root / "deploy/ckan.ini.template").read_text(encoding="utf-8")
out = string.Template(text).substitute(
    root=root, secret=os.environ["SECRET"], plugins=os.environ["PLUGINS"],
    pg_port=os.environ["PG_PORT"], redis_port=os.environ["REDIS_PORT"],
    db_password=os.environ["DB_PASSWORD"])
target = root / ".dev/ckan.ini"
if not target.exists() or target.read_text(encoding="utf-8") != out:
    target.write_text(out, encoding="utf-8")
PY
}

# --- database schema, admin, demo ------------------------------------------------------
ensure_schema() {
    say "Bringing the databases up to date"
    CKAN db init >/dev/null
    CKAN db upgrade -p provincialstats_search >/dev/null
    CKAN datastore set-permissions 2>/dev/null | psql_admin >/dev/null
    # The test database gets the same permissions for the DataStore tests.
    CKAN datastore set-permissions 2>/dev/null \
        | sed 's/datastore_default/datastore_test/g' \
        | psql_admin >/dev/null
}

ensure_admin() {
    if ! CKAN user show admin 2>/dev/null | grep -q "name=admin"; then
        say "Creating the dev sysadmin 'admin'"
        CKAN user add admin email=admin@example.invalid password="$DB_PASSWORD-admin-123" >/dev/null
    fi
    CKAN sysadmin add admin >/dev/null 2>&1 || true
    local token=""
    [ -s "$DEV/admin.token" ] && token=$(cat "$DEV/admin.token")
    if [ -n "$token" ] && [ "$("$VENV/bin/python" - "$token" <<'PY'
import sys
from ckan.cli import load_config
from ckan.config.middleware import make_app
app = make_app(load_config(".dev/ckan.ini"))
with app._wsgi_app.test_request_context():
    from ckan.lib.api_token import get_user_from_token
    print("ok" if get_user_from_token(sys.argv[1]) else "stale")
PY
)" = ok ]; then
        return
    fi
    say "Writing a new API token for admin to .dev/admin.token"
    CKAN user token add admin dev-token 2>/dev/null | tail -n 1 | tr -d '[:space:]' > "$DEV/admin.token"
    chmod 600 "$DEV/admin.token"
}

setup() {
    mkdir -p "$DEV"
    ensure_apt_packages
    ensure_postgres
    ensure_redis
    ensure_venv
    ensure_databases
    ensure_config
    ensure_schema
}

# --- commands -------------------------------------------------------------------------
cmd_run() {
    mkdir -p "$DEV"
    # One catalogue at a time: the lock is held for as long as this run (or the server
    # it started) lives, so a second `make run` cannot start anything or touch the data.
    exec 9>"$DEV/run.lock"
    if ! flock -n 9; then
        echo "The catalogue is already running (pid $(cat "$DEV/run.pid" 2>/dev/null || echo '?')) at http://127.0.0.1:$CKAN_PORT/ -- nothing was started. Stop it first with: make stop" >&2
        exit 1
    fi
    if port_open "$CKAN_PORT"; then
        die "port $CKAN_PORT is already in use by another program (see: ss -ltnp 'sport = :$CKAN_PORT'). Stop it and rerun."
    fi
    PIDS=()
    trap 'kill "${PIDS[@]}" 2>/dev/null; rm -f "$DEV/run.pid"' EXIT
    trap 'exit 130' INT TERM
    echo $$ > "$DEV/run.pid"
    setup
    ensure_admin
    say "Loading the provinces and the demo content"
    CKAN provincialstats vocab load
    CKAN provincialstats demo load
    local ckan="$VENV/bin/ckan"
    "$ckan" -c "$INI" jobs worker >"$DEV/worker.log" 2>&1 & PIDS+=($!)
    "$ckan" -c "$INI" harvester gather-consumer >"$DEV/gather.log" 2>&1 & PIDS+=($!)
    "$ckan" -c "$INI" harvester fetch-consumer >"$DEV/fetch.log" 2>&1 & PIDS+=($!)
    cat <<EOT

  The catalogue is at   http://127.0.0.1:$CKAN_PORT/
  Log in as             admin / $DB_PASSWORD-admin-123   (sysadmin)
  API token             .dev/admin.token
  Logs                  .dev/*.log (worker, gather, fetch); the web server below
  Stop with             Ctrl-C (or: make stop)

EOT
    "$ckan" -c "$INI" run --host 127.0.0.1 --port "$CKAN_PORT" --disable-reloader &
    PIDS+=($!)
    wait "${PIDS[-1]}"
}

cmd_stop() {
    if [ -s "$DEV/run.pid" ] && kill -0 "$(cat "$DEV/run.pid")" 2>/dev/null; then
        kill -TERM "$(cat "$DEV/run.pid")" && echo "stopped"
    else
        echo "no catalogue is running"
    fi
}

cmd_test() {
    setup
    say "Running the tests"
    local lint=0 rc=0
    "$VENV/bin/ruff" check . || lint=$?
    "$VENV/bin/pytest" --ckan-ini=test.ini "$@" || rc=$?
    [ $rc -eq 5 ] && die "pytest collected no tests."
    [ $lint -eq 0 ] || die "ruff found problems (above)."
    return $rc
}

case "${1:-}" in
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    setup) shift; setup; ensure_admin ;;
    stop) cmd_stop ;;
    *) echo "usage: $0 run|test|setup|stop" >&2; exit 2 ;;
esac
