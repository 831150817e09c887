#!/usr/bin/env bash
# One script for the development catalogue and the tests (called by the Makefile).
#
#   scripts/dev.sh run     set everything up, load the demo, serve on 127.0.0.1:$CKAN_PORT
#   scripts/dev.sh test    set everything up but the server, then run ruff and pytest
#   scripts/dev.sh setup   set everything up and stop
#   scripts/dev.sh stop    stop the catalogue, and the PostgreSQL cluster and Redis that this
#                          script started (never a server it merely reused)
#   scripts/dev.sh status  say what runs and what this script started
#
# Environment (defaults in brackets), so a second stack can run beside another one:
#   PG_PORT [5432]  REDIS_PORT [6379]  CKAN_PORT [5000]
#   PG_VERSION [15] PG_CLUSTER [main]  the Debian cluster to create/start when nothing
#                                      answers on PG_PORT
#   DEV_DIR [.dev]                     configuration, logs, lock and records of this stack
#   PYTHON [python3.11]
#
# Servers first: a PostgreSQL or Redis already answering on its port is reused, and no
# Debian package is installed for it. Only what is missing is installed (as root, or
# through sudo). What this script starts is recorded in .dev/started/ so that `stop`
# stops exactly that. Everything is idempotent: a second run reuses the virtualenv, the
# servers, the databases, the configuration and the admin token, and loses nothing.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PYTHON=${PYTHON:-python3.11}
VENV="$ROOT/.venv"
DEV=${DEV_DIR:-$ROOT/.dev}
mkdir -p "$DEV"
DEV=$(cd "$DEV" && pwd)
INI="$DEV/ckan.ini"
STARTED="$DEV/started"
REQUIREMENTS="$ROOT/requirements/dev.txt"
PG_VERSION=${PG_VERSION:-15}
PG_CLUSTER=${PG_CLUSTER:-main}
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
CKAN_PORT=${CKAN_PORT:-5000}
PG_SOCKET_DIR=/var/run/postgresql
DB_PASSWORD=pass
# provincialstats before activity: its templates (CSP-safe copies of two activity
# snippets) take precedence over those of the plugins listed after it.
PLUGINS="provincialstats_search provincialstats activity scheming_datasets scheming_groups \
dcat structured_data harvest ckan_harvester dcat_rdf_harvester provincialstats_ckan \
provincialstats_dcat provincialstats_sheet datastore datatables_view provincialstats_chart"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
# Any command that fails without its own message is named, with its line.
trap 'rc=$?; printf "ERROR: scripts/dev.sh line %s: \"%s\" failed (exit %s)\n" \
    "$LINENO" "$BASH_COMMAND" "$rc" >&2' ERR

for v in PG_PORT REDIS_PORT CKAN_PORT; do
    [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] && [ "${!v}" -le 65535 ] \
        || die "$v=${!v} is not a port number (1-65535)."
done
[[ $PG_CLUSTER =~ ^[A-Za-z0-9_-]+$ ]] || die "PG_CLUSTER=$PG_CLUSTER: use letters, digits, - and _."

# The last lines of a log, indented, for an error message.
log_tail() { [ -s "$1" ] && { echo; tail -n "${2:-15}" "$1" | sed 's/^/    /'; }; true; }

# --- privileges -----------------------------------------------------------------------
is_root() { [ "$(id -u)" = 0 ]; }
need_sudo() {  # what needs it
    is_root || command -v sudo >/dev/null \
        || die "$1 needs root: run as root, or as a user who may use sudo (sudo is not installed)."
}
as_root() { if is_root; then "$@"; else need_sudo "$*"; sudo "$@"; fi; }
as_postgres() {
    if is_root; then runuser -u postgres -- "$@"; else need_sudo "$*"; sudo -u postgres "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- Debian packages: only what is missing, only when it is needed --------------------
apt_install() {  # package...
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    need_sudo "installing the Debian packages ${missing[*]}"
    mkdir -p "$DEV"
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq >"$DEV/apt.log" 2>&1 \
        || die "apt-get update failed (network?): $(log_tail "$DEV/apt.log")"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >>"$DEV/apt.log" 2>&1 9>&- \
        || die "apt-get install ${missing[*]} failed; install them by hand and rerun: $(log_tail "$DEV/apt.log")"
}

find_python() {
    command -v "$PYTHON" >/dev/null && return
    PYTHON=python3
    "$PYTHON" -c 'import sys; assert sys.version_info[:2] >= (3, 10)' 2>/dev/null \
        || die "Python 3.11 is needed (python3.11 not found on PATH)."
}

# --- PostgreSQL -----------------------------------------------------------------------
pg_answers() {  # through the local socket, as the superuser postgres
    as_postgres psql -h "$PG_SOCKET_DIR" -p "$PG_PORT" -XtAc 'select 1' >"$DEV/psql.log" 2>&1
}
online_clusters() { pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1, $2, $3}'; }

ensure_postgres() {
    mkdir -p "$STARTED"
    if port_open "$PG_PORT"; then
        # Something listens: it must be a PostgreSQL server. No server package is installed.
        command -v psql >/dev/null || apt_install "postgresql-client-$PG_VERSION"
        pg_answers || die "port $PG_PORT is in use, but 'psql -p $PG_PORT' as the user postgres gets no answer through $PG_SOCKET_DIR: $(log_tail "$DEV/psql.log" 5)
Is it a PostgreSQL server of this machine? Free the port, or choose another with PG_PORT=..., and rerun."
        if [ -s "$STARTED/postgres-$PG_PORT" ]; then
            say "PostgreSQL on port $PG_PORT: running (started by dev.sh earlier)"
        else
            say "PostgreSQL on port $PG_PORT: reusing the server already running"
        fi
        return
    fi
    if [ ! -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ] || ! command -v pg_createcluster >/dev/null; then
        local before after
        before=$(online_clusters)
        apt_install "postgresql-$PG_VERSION" "postgresql-client-$PG_VERSION"
        # Debian's package creates and starts a cluster 'main' by itself: that one was
        # started by this script too, so `stop` stops it.
        after=$(online_clusters)
        while read -r v c p; do
            [ -n "$v" ] || continue
            grep -qx "$v $c $p" <<<"$before" && continue
            echo "$v $c $p" > "$STARTED/postgres-$p"
            say "PostgreSQL $v/$c was started on port $p by the package installation"
        done <<<"$after"
        if [ -s "$STARTED/postgres-$PG_PORT" ]; then wait_postgres; return; fi
    fi
    local line port
    line=$(pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c')
    if [ -z "$line" ]; then
        say "Creating PostgreSQL $PG_VERSION cluster '$PG_CLUSTER' on port $PG_PORT (C.UTF-8)"
        as_root pg_createcluster --locale C.UTF-8 -p "$PG_PORT" "$PG_VERSION" "$PG_CLUSTER" \
            >"$DEV/pg_createcluster.log" 2>&1 9>&- \
            || die "pg_createcluster $PG_VERSION $PG_CLUSTER failed: $(log_tail "$DEV/pg_createcluster.log")"
    else
        port=$(awk '{print $3}' <<<"$line")
        [ "$port" = "$PG_PORT" ] || die "the PostgreSQL cluster $PG_VERSION/$PG_CLUSTER exists but is set to port $port, not $PG_PORT. Rerun with PG_PORT=$port, or with PG_CLUSTER=<another name> to create a new cluster on $PG_PORT."
    fi
    say "Starting PostgreSQL $PG_VERSION/$PG_CLUSTER on port $PG_PORT"
    # 9>&-: the server must not inherit the run lock (it outlives the run).
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >"$DEV/pg_ctlcluster.log" 2>&1 9>&- \
        || die "PostgreSQL $PG_VERSION/$PG_CLUSTER did not start: $(log_tail "$DEV/pg_ctlcluster.log") See /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
    echo "$PG_VERSION $PG_CLUSTER $PG_PORT" > "$STARTED/postgres-$PG_PORT"
    wait_postgres
}

wait_postgres() {
    for _ in $(seq 60); do pg_answers && return; sleep 0.5; done
    die "PostgreSQL does not answer on port $PG_PORT: $(log_tail "$DEV/psql.log" 5)"
}

psql_admin() { as_postgres psql -h "$PG_SOCKET_DIR" -p "$PG_PORT" -X -v ON_ERROR_STOP=1 -qtA "$@"; }

ensure_role() {  # name
    if [ -z "$(psql_admin -c "select 1 from pg_roles where rolname='$1'")" ]; then
        psql_admin -c "create role $1 login password '$DB_PASSWORD'" \
            || die "could not create the PostgreSQL role $1 (above)."
    fi
}

ensure_database() {  # name owner
    if [ -z "$(psql_admin -c "select 1 from pg_database where datname='$1'")" ]; then
        say "Creating database $1"
        psql_admin -c "create database $1 owner $2 encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8' template template0" \
            || die "could not create the database $1 (above)."
    fi
    local ctype
    ctype=$(psql_admin -c "select datctype from pg_database where datname='$1'")
    case "$ctype" in
        *UTF-8*|*utf8*|*UTF8*) ;;
        *) die "database $1 has LC_CTYPE '$ctype'; Thai search needs a UTF-8 LC_CTYPE. Drop it (dropdb $1) and rerun." ;;
    esac
}

# One process per core, at most 4, unless $1 (a number) says how many.
per_core() {
    local n=${1:-$(nproc 2>/dev/null || echo 1)}
    [ "$n" -ge 1 ] 2>/dev/null || n=1
    [ "$n" -le 4 ] || n=4
    echo "$n"
}

# `make test` runs pytest with one xdist worker per core (at most 4: Redis databases
# 10-13); each worker has its own test databases (tests/conftest.py, worker_ini).
test_workers() {
    per_core "${TEST_WORKERS:-}"
}

worker_databases() {  # prefix -> prefix_gw0 prefix_gw1 ... for every test worker
    local i n
    n=$(test_workers)
    [ "$n" -gt 1 ] || return 0
    for ((i = 0; i < n; i++)); do echo "$1_gw$i"; done
}

ensure_databases() {
    ensure_role ckan_default
    ensure_role datastore_ro
    local db
    for db in ckan_default ckan_test datastore_default datastore_test \
              $(worker_databases ckan_test) $(worker_databases datastore_test); do
        ensure_database "$db" ckan_default
    done
    for db in ckan_default ckan_test $(worker_databases ckan_test); do
        # pg_trgm is trusted in PostgreSQL 13+, but create it as the superuser anyway.
        psql_admin -d "$db" -c "set client_min_messages = warning" \
            -c "create extension if not exists pg_trgm" \
            || die "could not create the extension pg_trgm in $db (is postgresql-contrib installed?)."
    done
}

# --- Redis ----------------------------------------------------------------------------
redis_ping() {  # without redis-cli: nothing needs to be installed to reuse a server
    local reply
    reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "PING\r\n" >&3 && head -c 5 <&3' _ "$1" 2>/dev/null) || true
    [ "$reply" = "+PONG" ]
}

ensure_redis() {
    mkdir -p "$STARTED"
    if port_open "$REDIS_PORT"; then
        redis_ping "$REDIS_PORT" \
            || die "port $REDIS_PORT is in use by something that does not answer PING like Redis. Free it, or choose another with REDIS_PORT=..., and rerun."
        if [ -s "$STARTED/redis-$REDIS_PORT" ]; then
            say "Redis on port $REDIS_PORT: running (started by dev.sh earlier)"
        else
            say "Redis on port $REDIS_PORT: reusing the server already running"
        fi
        return
    fi
    command -v redis-server >/dev/null || apt_install redis-server
    if redis_ping "$REDIS_PORT"; then  # the package started its own service on this port
        echo "service $REDIS_PORT redis-server" > "$STARTED/redis-$REDIS_PORT"
        say "Redis started on port $REDIS_PORT by the package installation"
        return
    fi
    say "Starting Redis on port $REDIS_PORT"
    local dir="$DEV/redis-$REDIS_PORT"
    mkdir -p "$dir"
    rm -f "$dir/redis.pid"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
        --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$dir/redis.log" \
        --save "" >"$dir/start.log" 2>&1 9>&- \
        || die "redis-server did not start: $(log_tail "$dir/start.log") $(log_tail "$dir/redis.log")"
    for _ in $(seq 50); do
        if redis_ping "$REDIS_PORT"; then
            echo "pid $REDIS_PORT $(cat "$dir/redis.pid" 2>/dev/null)" > "$STARTED/redis-$REDIS_PORT"
            return
        fi
        sleep 0.2
    done
    die "Redis does not answer on port $REDIS_PORT: $(log_tail "$dir/redis.log")"
}

# --- virtualenv -----------------------------------------------------------------------
ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "Creating $VENV"
        if ! "$PYTHON" -m venv "$VENV" >"$DEV/venv.log" 2>&1; then
            rm -rf "$VENV"
            apt_install "$(basename "$PYTHON")-venv"
            "$PYTHON" -m venv "$VENV" >"$DEV/venv.log" 2>&1 \
                || die "$PYTHON -m venv failed: $(log_tail "$DEV/venv.log")"
        fi
    fi
    local stamp="$VENV/provincialstats-pip.stamp" want
    # Reinstall when the declared ranges or the pinned stack change.
    want=$(cat setup.py "$REQUIREMENTS" | sha1sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$VENV/bin/python" -c 'import ckanext.provincialstats' 2>/dev/null; then
        # psycopg2 is built from source.
        apt_install libpq-dev gcc python3-dev
        say "Installing the extension and its pinned stack (requirements/dev.txt) into .venv"
        {
            "$VENV/bin/pip" install -q --upgrade pip setuptools wheel \
            && "$VENV/bin/pip" install -q -r "$REQUIREMENTS"
        } >"$DEV/pip.log" 2>&1 || die "pip install -r requirements/dev.txt failed: $(log_tail "$DEV/pip.log" 25)"
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
    REDIS_PORT=$REDIS_PORT CKAN_PORT=$CKAN_PORT DB_PASSWORD=$DB_PASSWORD INI="$INI" \
    STORAGE="$DEV/storage" "$VENV/bin/python" - <<'PY'
import os, re, string, pathlib
root = pathlib.Path(os.environ["ROOT"])
text = (root / "deploy/ckan.ini.template").read_text(encoding="utf-8")
out = string.Template(text).substitute(
    root=root, secret=os.environ["SECRET"], plugins=os.environ["PLUGINS"],
    pg_port=os.environ["PG_PORT"], redis_port=os.environ["REDIS_PORT"],
    db_password=os.environ["DB_PASSWORD"])
# The web server's port (CKAN_PORT) in the site URL and the dev server's settings.
port = os.environ["CKAN_PORT"]
out = re.sub(r"(?m)^(ckan\.site_url = http://127\.0\.0\.1):\d+", rf"\g<1>:{port}", out)
out = re.sub(r"(?m)^(ckan\.devserver\.port = )\d+", rf"\g<1>{port}", out)
# DEV_DIR: the storage follows the configuration.
out = re.sub(r"(?m)^(ckan\.storage_path = ).*$", lambda m: m.group(1) + os.environ["STORAGE"], out)
target = pathlib.Path(os.environ["INI"])
if not target.exists() or target.read_text(encoding="utf-8") != out:
    target.write_text(out, encoding="utf-8")
PY
}

# test.ini names the standard ports; with other ones, the tests get a copy that uses them.
test_ini() {
    if [ "$PG_PORT" = 5432 ] && [ "$REDIS_PORT" = 6379 ]; then echo test.ini; return; fi
    sed -E -e "s#@localhost(:[0-9]+)?/#@localhost:$PG_PORT/#" \
        -e "s#redis://localhost(:[0-9]+)?/#redis://localhost:$REDIS_PORT/#" \
        -e "s#^(ckan\.harvest\.mq\.port = ).*#\1$REDIS_PORT#" test.ini > "$DEV/test.ini"
    echo "$DEV/test.ini"
}

# --- database schema, admin, demo ------------------------------------------------------
run_logged() {  # log-name what command...
    local log="$DEV/$1.log" what=$2; shift 2
    "$@" >"$log" 2>&1 || die "$what failed: $(log_tail "$log" 25)"
}

ensure_schema() {
    say "Bringing the databases up to date"
    run_logged db-init "ckan db init" CKAN db init
    run_logged db-upgrade "ckan db upgrade -p provincialstats_search" \
        CKAN db upgrade -p provincialstats_search
    run_logged db-upgrade "ckan db upgrade -p provincialstats" \
        CKAN db upgrade -p provincialstats
    local sql
    sql=$(CKAN datastore set-permissions 2>"$DEV/set-permissions.log") \
        || die "ckan datastore set-permissions failed: $(log_tail "$DEV/set-permissions.log")"
    printf '%s\n' "$sql" | psql_admin >"$DEV/set-permissions.log" 2>&1 \
        || die "the DataStore permissions for datastore_default could not be set: $(log_tail "$DEV/set-permissions.log")"
    # The test databases get the same permissions for the DataStore tests.
    local db
    for db in datastore_test $(worker_databases datastore_test); do
        printf '%s\n' "$sql" | sed "s/datastore_default/$db/g" \
            | psql_admin >"$DEV/set-permissions.log" 2>&1 \
            || die "the DataStore permissions for $db could not be set: $(log_tail "$DEV/set-permissions.log")"
    done
}

ensure_admin() {
    if ! CKAN user show admin 2>/dev/null | grep -q "name=admin"; then
        say "Creating the dev sysadmin 'admin'"
        run_logged user-add "creating the user admin" \
            CKAN user add admin email=admin@example.invalid password="$DB_PASSWORD-admin-123"
    fi
    run_logged sysadmin-add "making admin a sysadmin" CKAN sysadmin add admin
    local token=""
    [ -s "$DEV/admin.token" ] && token=$(cat "$DEV/admin.token")
    if [ -n "$token" ] && [ "$("$VENV/bin/python" - "$token" "$INI" 2>/dev/null <<'PY'
import sys
from ckan.cli import load_config
from ckan.config.middleware import make_app
app = make_app(load_config(sys.argv[2]))
with app._wsgi_app.test_request_context():
    from ckan.lib.api_token import get_user_from_token
    print("ok" if get_user_from_token(sys.argv[1]) else "stale")
PY
)" = ok ]; then
        return
    fi
    say "Writing a new API token for admin to .dev/admin.token"
    local out
    out=$(CKAN user token add admin dev-token 2>"$DEV/token.log") \
        || die "ckan user token add admin failed: $(log_tail "$DEV/token.log")"
    printf '%s\n' "$out" | tail -n 1 | tr -d '[:space:]' > "$DEV/admin.token"
    [ -s "$DEV/admin.token" ] || die "ckan user token add admin printed no token."
    chmod 600 "$DEV/admin.token"
}

setup() {
    mkdir -p "$DEV" "$STARTED"
    find_python
    ensure_postgres
    ensure_redis
    ensure_venv
    ensure_databases
    ensure_config
    ensure_schema
}

# --- the run lock ---------------------------------------------------------------------
# `run` holds an flock on .dev/run.lock, and every process it starts inherits it, so the
# lock is held for as long as anything of that run lives, even after a `kill -9` of the
# script itself. The lock is the truth; .dev/run.pid only names the script's process.
LOCK="$DEV/run.lock"

lock_holders() {  # pids of the processes that have .dev/run.lock open (never this shell)
    local lock
    lock=$(readlink -f "$LOCK")
    # One find over /proc/*/fd (as a user, only that user's processes are readable).
    find /proc/[0-9]*/fd -maxdepth 1 -lname "$lock" 2>/dev/null \
        | cut -d/ -f3 | sort -un | grep -vx -e "$$" -e "$BASHPID" || true
}

describe() {  # pid... -> "pid command" lines
    local p
    for p in "$@"; do
        printf '    %s %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null \
            | sed -e "s#$VENV/bin/[^ ]* ##" -e "s#$VENV/bin/##" -e "s#-c $INI ##" | cut -c1-100)"
    done
}

stop_holders() {  # TERM, then KILL after 15 s, every process holding the run lock
    local holders
    holders=$(lock_holders)
    [ -n "$holders" ] || return 0
    # shellcheck disable=SC2086
    kill -TERM $holders 2>/dev/null || true
    for _ in $(seq 75); do
        [ -z "$(lock_holders)" ] && return 0
        sleep 0.2
    done
    holders=$(lock_holders)
    [ -z "$holders" ] && return 0
    say "Still running after 15 s, killing: $(tr '\n' ' ' <<<"$holders")"
    # shellcheck disable=SC2086
    kill -KILL $holders 2>/dev/null || true
    for _ in $(seq 25); do
        [ -z "$(lock_holders)" ] && return 0
        sleep 0.2
    done
    die "these processes still hold .dev/run.lock:
$(describe $(lock_holders))"
}

# --- commands -------------------------------------------------------------------------
cmd_run() {
    mkdir -p "$DEV"
    exec 9>>"$LOCK"
    if ! flock -n 9; then
        exec 9>&-
        local pid holders
        pid=$(cat "$DEV/run.pid" 2>/dev/null || true)
        holders=$(lock_holders)
        if [ -n "$pid" ] && grep -qx "$pid" <<<"$holders"; then
            echo "The catalogue is already running (pid $pid) at http://127.0.0.1:$CKAN_PORT/ -- nothing was started. Stop it first with: make stop" >&2
            exit 1
        fi
        # The script that held the lock is gone (kill -9): what is left of its run is stale.
        say "A previous run (pid ${pid:-?}) is gone; stopping what it left running:"
        # shellcheck disable=SC2086
        describe $holders >&2
        stop_holders
        exec 9>>"$LOCK"
        flock -w 10 9 || die "could not take .dev/run.lock; held by:
$(exec 9>&-; describe $(lock_holders))"
    fi
    rm -f "$DEV/run.pid"
    if port_open "$CKAN_PORT"; then
        die "port $CKAN_PORT is already in use by another program (see: ss -ltnp 'sport = :$CKAN_PORT'). Stop it, or choose another port with CKAN_PORT=..., and rerun."
    fi
    PIDS=()
    trap '[ ${#PIDS[@]} -eq 0 ] || kill "${PIDS[@]}" 2>/dev/null; rm -f "$DEV/run.pid"' EXIT
    trap 'exit 130' INT TERM
    echo $$ > "$DEV/run.pid"
    setup
    ensure_admin
    say "Loading the provinces and the demo content"
    CKAN provincialstats vocab load || die "ckan provincialstats vocab load failed (above)."
    CKAN provincialstats demo load || die "ckan provincialstats demo load failed (above)."
    local ckan="$VENV/bin/ckan"
    "$ckan" -c "$INI" jobs worker >"$DEV/worker.log" 2>&1 & PIDS+=($!)
    "$ckan" -c "$INI" harvester gather-consumer >"$DEV/gather.log" 2>&1 & PIDS+=($!)
    # one fetch consumer per core (at most 4; FETCH_CONSUMERS=N to choose): the import is
    # CPU-bound, and bench/harvest_bench.py measures two on two cores (three were slower)
    local fetchers i
    fetchers=$(per_core "${FETCH_CONSUMERS:-}")
    for i in $(seq 1 "$fetchers"); do
        "$ckan" -c "$INI" harvester fetch-consumer >"$DEV/fetch-$i.log" 2>&1 & PIDS+=($!)
    done
    cat <<EOT

  The catalogue is at   http://127.0.0.1:$CKAN_PORT/
  Log in as             admin / $DB_PASSWORD-admin-123   (sysadmin)
  API token             .dev/admin.token
  Logs                  .dev/*.log (worker, gather, fetch-1 ... fetch-$fetchers); the web server below
  Stop with             Ctrl-C (or: make stop)

EOT
    "$ckan" -c "$INI" run --host 127.0.0.1 --port "$CKAN_PORT" --disable-reloader &
    PIDS+=($!)
    local rc=0
    wait "${PIDS[-1]}" || rc=$?
    [ $rc -eq 0 ] || [ $rc -ge 128 ] || die "the web server stopped (exit $rc): see its output above."
    exit $rc
}

stop_started_servers() {
    local f kind port pid v c p
    for f in "$STARTED"/redis-*; do
        [ -s "$f" ] || continue
        read -r kind port pid < "$f"
        if [ "$kind" = service ]; then
            as_root service redis-server stop >/dev/null 2>&1 \
                || as_root systemctl stop redis-server \
                || die "could not stop the redis-server service started by dev.sh."
        elif [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "redis-server.*:$port"; then
            kill -TERM "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -0 "$pid" 2>/dev/null && die "Redis (pid $pid, port $port) did not stop."
        fi
        rm -f "$f"
        echo "stopped Redis on port $port (started by dev.sh)"
    done
    for f in "$STARTED"/postgres-*; do
        [ -s "$f" ] || continue
        read -r v c p < "$f"
        if pg_lsclusters -h 2>/dev/null | awk -v v="$v" -v c="$c" '$1 == v && $2 == c && $4 == "online"' | grep -q .; then
            as_root pg_ctlcluster "$v" "$c" stop >"$DEV/pg_ctlcluster.log" 2>&1 9>&- \
                || die "could not stop PostgreSQL $v/$c: $(log_tail "$DEV/pg_ctlcluster.log")"
        fi
        rm -f "$f"
        echo "stopped PostgreSQL $v/$c on port $p (started by dev.sh)"
    done
}

cmd_stop() {
    mkdir -p "$DEV"
    local holders
    holders=$(lock_holders)
    if [ -n "$holders" ]; then
        stop_holders
        echo "stopped the catalogue (pids $(tr '\n' ' ' <<<"$holders"| sed 's/ $//'))"
    else
        echo "no catalogue is running"
    fi
    rm -f "$DEV/run.pid"
    stop_started_servers
}

cmd_status() {
    local holders
    holders=$(lock_holders)
    local pid
    pid=$(cat "$DEV/run.pid" 2>/dev/null || true)
    if [ -n "$holders" ] && [ -n "$pid" ] && grep -qx "$pid" <<<"$holders"; then
        echo "catalogue: running on port $CKAN_PORT (pid $pid)"
        # shellcheck disable=SC2086
        describe $holders
    elif [ -n "$holders" ]; then
        echo "catalogue: the run (pid ${pid:-?}) is gone, these processes of it are left (the next run or stop ends them):"
        # shellcheck disable=SC2086
        describe $holders
    else
        echo "catalogue: not running"
    fi
    local f
    for f in "$STARTED"/*; do
        [ -s "$f" ] && echo "started by dev.sh: $(basename "$f"): $(cat "$f")"
    done
    true
}

# The browser tests (tests/browser) drive Debian's Chromium through Playwright; Thai
# text needs the TLWG fonts to render.
ensure_browser() {
    apt_install chromium fonts-thai-tlwg
}

cmd_test() {
    setup
    ensure_browser
    local ini
    ini=$(test_ini)
    say "Running the tests"
    local lint=0 rc=0
    "$VENV/bin/ruff" check . || lint=$?
    # One pytest-xdist worker per core, a test file per worker at a time.
    local workers
    workers=$(test_workers)
    local xdist=()
    if [ "$workers" -gt 1 ]; then xdist=(-n "$workers" --dist loadfile); fi
    say "pytest with $workers worker(s)"
    "$VENV/bin/pytest" --ckan-ini="$ini" "${xdist[@]}" "$@" || rc=$?
    [ $rc -eq 5 ] && die "pytest collected no tests."
    [ $lint -eq 0 ] || die "ruff found problems (above)."
    exit $rc
}

case "${1:-}" in
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    setup) shift; setup; ensure_admin ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 run|test|setup|stop|status" >&2; exit 2 ;;
esac
