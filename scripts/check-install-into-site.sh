#!/usr/bin/env bash
# Install the extension's wheel into a site that already runs ANOTHER CKAN 2.11 release,
# the way the README's "Installing into an existing CKAN" says, and check that the site
# keeps its CKAN and its libraries.
#
#   scripts/check-install-into-site.sh [CKAN version already in the site, default 2.11.5]
#
# 1. builds the wheel from the work tree (pip wheel --no-deps);
# 2. creates a throwaway virtualenv in /tmp holding ckan[requirements]==<version>;
# 3. pip installs the wheel there (no constraints, no extra options);
# 4. prints what pip added or changed, CKAN's version before and after, `pip check`, and
#    loads the extension's plugins through their entry points.
# Exit status 0 only if CKAN and every library already there kept its version, `pip check`
# is clean and the plugins load. Needs network access to PyPI and, for psycopg2,
# libpq-dev and gcc (as `make run` does). KEEP=1 keeps the virtualenv for a look.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SITE_CKAN=${1:-2.11.5}
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

WORK=$(mktemp -d /tmp/provincialstats-site.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
say() { printf '==> %s\n' "$*"; }
fail=0

say "Building the wheel from $ROOT"
# From a copy of the files git knows (tracked or not ignored): no build/ left in the tree.
mkdir "$WORK/src" "$WORK/dist"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
    | tar --null -T - -cf -) | tar -xf - -C "$WORK/src"
"$PYTHON" -m venv "$WORK/site"
PIP=("$WORK/site/bin/pip" -q --disable-pip-version-check)
# Only pip is upgraded: the site keeps the setuptools its Python brought (CKAN 2.11.4 and
# older import pkg_resources, which setuptools 81+ no longer has).
"${PIP[@]}" install --upgrade pip
"${PIP[@]}" wheel --no-deps -w "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/ckanext_provincialstats-*.whl)
echo "    $(basename "$WHEEL")"
"$WORK/site/bin/python" - "$WHEEL" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    for line in z.read(meta).decode().splitlines():
        if line.startswith("Requires-Dist"):
            print("    " + line)
PY

# From here on, Python runs outside the work tree, so only what is installed is imported.
cd "$WORK/site"
say "A site with CKAN $SITE_CKAN: pip install 'ckan[requirements]==$SITE_CKAN'"
"${PIP[@]}" install "ckan[requirements]==$SITE_CKAN"
"$WORK/site/bin/pip" freeze --all 2>/dev/null | sort > "$WORK/before.txt"
ckan_before=$("$WORK/site/bin/python" -c 'import ckan; print(ckan.__version__)')
echo "    CKAN $ckan_before, $(wc -l < "$WORK/before.txt") distributions"
"$WORK/site/bin/python" -c 'import ckan.plugins' \
    || { say "This site's CKAN does not even import (above): nothing to check"; exit 2; }

say "pip install $(basename "$WHEEL")"
"${PIP[@]}" install "$WHEEL"
"$WORK/site/bin/pip" freeze --all 2>/dev/null | grep -v '^ckanext-provincialstats' \
    | sort > "$WORK/after.txt"
ckan_after=$("$WORK/site/bin/python" -c 'import ckan; print(ckan.__version__)')

say "What the install changed"
name() { sed -E 's/[=@ ].*//' | tr 'A-Z_' 'a-z-'; }
changed=0
while IFS= read -r line; do
    n=$(printf '%s' "$line" | name)
    old=$(grep -i -E "^${n//-/[-_]}[=@ ]" "$WORK/before.txt" || true)
    if [ -z "$old" ]; then
        echo "    added    $line"
    elif [ "$old" != "$line" ]; then
        echo "    CHANGED  $old -> $line"; changed=$((changed + 1))
    fi
done < <(comm -13 "$WORK/before.txt" "$WORK/after.txt")
while IFS= read -r line; do
    n=$(printf '%s' "$line" | name)
    grep -q -i -E "^${n//-/[-_]}[=@ ]" "$WORK/after.txt" \
        || { echo "    REMOVED  $line"; changed=$((changed + 1)); }
done < <(comm -23 "$WORK/before.txt" "$WORK/after.txt")
echo "    $changed distribution(s) of the site changed or removed"
[ "$changed" -eq 0 ] || fail=1

say "CKAN before: $ckan_before  after: $ckan_after"
[ "$ckan_before" = "$ckan_after" ] && [ "$ckan_after" = "$SITE_CKAN" ] || fail=1

say "pip check"
"$WORK/site/bin/pip" check >"$WORK/check.txt" 2>&1 || fail=1
sed 's/^/    /' "$WORK/check.txt"

say "Loading the plugins through their entry points"
"$WORK/site/bin/python" - <<'PY' || fail=1
import sys
from importlib.metadata import entry_points
for ep in entry_points(group="ckan.plugins"):
    if ep.name.startswith("provincialstats"):
        plugin = ep.load()
        print(f"    {ep.name} = {plugin.__name__} from {sys.modules[plugin.__module__].__file__}")
PY

if [ "$fail" -eq 0 ]; then
    say "OK: the site keeps CKAN $ckan_after and its libraries; pip check is clean"
else
    say "FAILED (see above)"
fi
exit "$fail"
