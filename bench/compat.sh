#!/usr/bin/env bash
# Run CKAN's own search tests, CKAN's get-action tests (package_search, autocomplete,
# group/organization dataset counts) and ckanext-dcat's endpoint tests against the
# PostgreSQL search backend, with no Solr anywhere.
#
#   bench/compat.sh                 both suites, prints each pytest summary
#   bench/compat.sh ckan <paths>    only CKAN's (paths relative to site-packages)
#   bench/compat.sh dcat <paths>    only ckanext-dcat's
#
# Uses its own database (ckan_test_compat, created if missing) and Redis db 4, so it can
# run next to `make test`.  Which failures assert Solr internals: bench/RESULTS.md.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DB=${COMPAT_DB:-ckan_test_compat}
SITE=$(.venv/bin/python -c 'import ckan, os; print(os.path.dirname(os.path.dirname(ckan.__file__)))')
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if [ -z "$(as_postgres psql -tAc "select 1 from pg_database where datname='$DB'")" ]; then
    as_postgres createdb -O ckan_default -E UTF8 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 \
        -T template0 "$DB"
fi
as_postgres psql -qd "$DB" -c "create extension if not exists pg_trgm" 2>/dev/null

mkdir -p .dev
make_ini() {  # ini plugins extra-line
    sed -e "s#localhost/ckan_test\$#localhost/$DB#" \
        -e "s#^ckan.redis.url = .*#ckan.redis.url = redis://localhost:6379/4#" \
        -e "s#^ckan.harvest.mq.redis_db = .*#ckan.harvest.mq.redis_db = 4#" \
        -e "s#^ckan.plugins = .*#ckan.plugins = $2#" \
        -e "/^scheming\./d" -e "/^ckan.locales_offered/d" \
        -e "/^ckan.search.show_all_types/d" -e "/^ckanext.dcat.enable_content_negotiation/d" \
        -e "/^\[app:main\]/a $3" \
        test.ini > "$1"
}
# CKAN's test-core.ini declares alt_url; ckanext-dcat's test.ini enables negotiation.
make_ini .dev/test-compat-ckan.ini "provincialstats_search" "ckan.extra_resource_fields = alt_url"
make_ini .dev/test-compat-dcat.ini "dcat provincialstats_search" \
    "ckanext.dcat.enable_content_negotiation = true"

export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
run() {  # ini paths...
    local ini=$1; shift
    (cd "$SITE" && "$ROOT/.venv/bin/pytest" --ckan-ini="$ROOT/$ini" \
        -p tests.search.compat_plugin --rootdir="$SITE" -p no:cacheprovider -q -rfE "$@")
}
suite=${1:-all}
[ $# -gt 0 ] && shift
status=0
if [ "$suite" = all ] || [ "$suite" = ckan ]; then
    [ "$suite" = ckan ] && [ $# -gt 0 ] && paths=("$@") || \
        paths=(ckan/tests/lib/search ckan/tests/logic/action/test_get.py)
    echo "== CKAN ${paths[*]}"
    run .dev/test-compat-ckan.ini "${paths[@]}" || status=1
fi
if [ "$suite" = all ] || [ "$suite" = dcat ]; then
    [ "$suite" = dcat ] && [ $# -gt 0 ] && paths=("$@") || \
        paths=(ckanext/dcat/tests/test_blueprints.py)
    echo "== ckanext-dcat ${paths[*]}"
    run .dev/test-compat-dcat.ini "${paths[@]}" || status=1
fi
exit $status
