#!/bin/sh
# Regenerates every .evtx of the scenario bundles from its description:
# src/<bundle>/<host>/<name>.evtx.txt -> <bundle>/<host>/<name>.evtx
# (description format: tests/support/evtx_writer.h, parse_evtx_description).
# Usage: sh testdata/bundles/make_evtx.sh BUILD_DIR   (BUILD_DIR has tests/pm_make_evtx)
set -eu
[ $# -eq 1 ] || { echo "usage: make_evtx.sh BUILD_DIR" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
tool="$1/tests/pm_make_evtx"
[ -x "$tool" ] || tool="$1/pm_make_evtx"
[ -x "$tool" ] || { echo "make_evtx.sh: no pm_make_evtx in $1 (cmake --build $1 --target pm_make_evtx)" >&2; exit 1; }
count=0
find "$here/src" -name '*.evtx.txt' | sort > "${TMPDIR:-/tmp}/make_evtx.$$"
while IFS= read -r desc; do
  rel=${desc#"$here/src/"}
  out="$here/${rel%.txt}"
  mkdir -p "$(dirname "$out")"
  "$tool" "$desc" "$out" > /dev/null
  count=$((count + 1))
done < "${TMPDIR:-/tmp}/make_evtx.$$"
rm -f "${TMPDIR:-/tmp}/make_evtx.$$"
echo "make_evtx.sh: $count EVTX files written"
