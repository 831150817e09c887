#!/bin/sh
# Run a bench command on the code of one commit, not on the work tree (which other work
# may be editing while a long bench runs):
#
#   bench/harvest_snapshot.sh HEAD .venv/bin/python bench/harvest_bench.py --datasets 1000
#   bench/harvest_snapshot.sh 1d2faa2 .venv/bin/python bench/harvest_profile.py --records 60
#
# `git archive` of the commit into a temporary directory (with .venv linked to this
# one's), and a sitecustomize that points the editable install's finder at it, so
# ckanext.provincialstats (and its schemas and i18n) is imported from the snapshot by
# the command and by every CKAN process it starts. With BENCH_CODE=<commit> the
# extension's code comes from that commit while the bench scripts come from the first.
# With BENCH_OVERLAY="path ..." (paths relative to the repository) those paths are copied
# from the work tree over the snapshot(s): uncommitted work in one area measured on the
# committed code of the others, e.g.
#
#   BENCH_OVERLAY="ckanext/provincialstats/harvest bench" \
#       bench/harvest_snapshot.sh HEAD .venv/bin/python bench/harvest_profile.py
set -eu
commit=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/harvest-snapshot-XXXXXX)
git -C "$root" archive "$commit" | tar -x -C "$work"
ln -s "$root/.venv" "$work/.venv"
code=$work
if [ -n "${BENCH_CODE:-}" ]; then
    code=$(mktemp -d /tmp/harvest-snapshot-code-XXXXXX)
    git -C "$root" archive "$BENCH_CODE" | tar -x -C "$code"
fi
for path in ${BENCH_OVERLAY:-}; do
    for dest in "$work" "$code"; do
        rm -rf "${dest:?}/$path"
        mkdir -p "$(dirname "$dest/$path")"
        cp -a "$root/$path" "$dest/$path"
    done
    echo "overlay from the work tree: $path"
done
mkdir -p "$work/.shim"
cat > "$work/.shim/sitecustomize.py" <<PY
import sys
_finder = sys.modules.get("__editable___ckanext_provincialstats_0_1_0_finder")
if _finder is not None:
    _finder.MAPPING.update({"ckanext": "$code/ckanext",
                            "ckanext.provincialstats.i18n": "$code/i18n",
                            "ckanext.provincialstats.schemas": "$code/schemas"})
PY
echo "bench scripts: $(git -C "$root" rev-parse --short "$commit"); extension code:" \
     "$(git -C "$root" rev-parse --short "${BENCH_CODE:-$commit}") ($code)"
cd "$work"
PYTHONPATH="$work/.shim" exec "$@"
