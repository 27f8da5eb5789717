#!/usr/bin/env bash
# Benchmark: ingest of a generated multi-format bundle of about 2 GiB.
#
#   bench/bench_scale.sh [--size-mb N]      (default 2048)
#
# Builds nothing. Uses the pushmortem binary at $PUSHMORTEM (default
# build-rel/cli/pushmortem; use a Release build), evtxexport (libevtx-utils, to
# pick the corpus EVTX files that read cleanly) and the EVTX corpus at
# ../shared/corpus/evtx ($PM_EVTX_CORPUS).
#   1. bench/gen_scale_bundle.py N bench/out/scale/bundle-N: pfirewall logs,
#      DPM errlogs (UTF-16LE), EVTX, Event Viewer XML and CSV, wevtutil text,
#      MSI logs and one deflated zip (generated again only when missing or made
#      by another version of the generator);
#   2. per format, `pushmortem ingest FILES... --case fresh.db -q` under
#      /usr/bin/time: seconds, peak RSS, MiB/s, rows stored per second;
#   3. the whole bundle, `pushmortem ingest DIR --case fresh.db -q`, the same
#      way (BENCH_REPS times, default 1; the best run counts).
# Every run must reconcile (units read = rows stored + rejected + header
# units, for every source), and the whole-bundle case must store exactly the
# rows the per-format runs stored. Prints a table and the verdict for the
# goal: peak memory of the whole-bundle ingest under 300 MB.
# Exits non-zero when a tool is missing, a run fails, a check fails or the
# goal is missed (BENCH_NO_GOALS=1: the goal does not change the exit status).
set -euo pipefail

die() { echo "bench_scale: error: $*" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

size_mb=2048
while (( $# )); do
  case "$1" in
    --size-mb) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--size-mb needs a positive number"; size_mb="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (usage: $0 [--size-mb N])" ;;
  esac
done
(( size_mb >= 64 )) || die "--size-mb must be at least 64"
reps="${BENCH_REPS:-1}"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer"
goal_mb=300
pushmortem="${PUSHMORTEM:-build-rel/cli/pushmortem}"
corpus="${PM_EVTX_CORPUS:-$root/../shared/corpus/evtx}"
python=/usr/bin/python3

[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
[[ -x /usr/bin/evtxexport ]] || die "/usr/bin/evtxexport is missing (apt-get install libevtx-utils)"
[[ -x "$pushmortem" ]] || die "pushmortem binary not found at '$pushmortem' (build it, or set PUSHMORTEM)"
pushmortem="$(cd "$(dirname "$pushmortem")" && pwd)/$(basename "$pushmortem")"
[[ -d "$corpus" ]] || die "EVTX corpus not found at '$corpus' (set PM_EVTX_CORPUS)"

out=bench/out/scale
bundle="$out/bundle-$size_mb"
mkdir -p "$out"

# ---- 1. the bundle (cached)
gen_id="$(cat bench/gen_scale_bundle.py bench/gen_pfirewall.py bench/gen_errlog.py bench/gen_evtx_chunks.py | sha256sum | cut -c1-16)"
if [[ ! -f "$bundle/manifest.json" || "$(cat "$bundle.id" 2>/dev/null)" != "$gen_id" ]]; then
  echo "generating $bundle ($size_mb MiB)"
  find "$corpus" -name '*.evtx' -print0 | sort -z | while IFS= read -r -d '' f; do
    /usr/bin/evtxexport -f xml "$f" >/dev/null 2>&1 && realpath "$f"
  done > "$out/evtx-sources.txt"
  "$python" bench/gen_scale_bundle.py "$size_mb" "$bundle" --evtx-sources "$out/evtx-sources.txt"
  echo "$gen_id" > "$bundle.id"
fi
mapfile -t formats < <("$python" -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["formats"]))' \
  "$bundle/manifest.json")

q() { "$pushmortem" query --case "$1" "$2" --format csv | tail -n +2 | tr -d '\r'; }

# run_ingest NAME PATH... : one timed ingest into a fresh case; sets secs, peak_kb, case_db
run_ingest() {
  local name="$1"; shift
  case_db="$out/case-$name.db"
  rm -f "$case_db" "$case_db-wal" "$case_db-shm" "$case_db-journal"
  local t0=$EPOCHREALTIME
  if ! /usr/bin/time -v -o "$out/$name.time" "$pushmortem" ingest "$@" --case "$case_db" -q \
      > "$out/$name.stdout" 2> "$out/$name.stderr"; then
    tail -n 20 "$out/$name.stderr" >&2
    die "ingest '$name' failed"
  fi
  secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  peak_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/$name.time")
  local bad
  bad=$(q "$case_db" "SELECT count(*) FROM sources WHERE status = 'ingested'
         AND units_read <> rows_stored + rows_rejected + header_units")
  [[ "$bad" == 0 ]] || die "ingest '$name': $bad sources whose counts do not reconcile"
  bad=$(q "$case_db" "SELECT count(*) FROM sources WHERE status NOT IN ('ingested', 'archive', 'skipped')")
  [[ "$bad" == 0 ]] || {
    "$pushmortem" query --case "$case_db" "SELECT path, status, status_reason FROM sources
      WHERE status NOT IN ('ingested', 'archive', 'skipped')" >&2
    die "ingest '$name': $bad sources not ingested"
  }
}

# ---- 2. per format
declare -A f_bytes f_files f_secs f_peak f_rows f_rej
sum_rows=0 sum_secs=0
for fmt in "${formats[@]}"; do
  mapfile -t files < <("$python" -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["formats"][sys.argv[2]]["files"]))' \
    "$bundle/manifest.json" "$fmt")
  paths=()
  for f in "${files[@]}"; do paths+=("$bundle/$f"); done
  run_ingest "fmt-$fmt" "${paths[@]}"
  f_files[$fmt]=${#files[@]}
  f_bytes[$fmt]=$(du -cb "${paths[@]}" | tail -n 1 | cut -f1)
  f_secs[$fmt]=$secs
  f_peak[$fmt]=$((peak_kb / 1024))
  read -r f_rows[$fmt] f_rej[$fmt] < <(q "$case_db" "SELECT sum(rows_stored), sum(rows_rejected) FROM sources" | tr ',' ' ')
  sum_rows=$((sum_rows + f_rows[$fmt]))
  sum_secs=$(awk -v a="$sum_secs" -v b="$secs" 'BEGIN { printf "%.2f", a + b }')
  echo "  $fmt: ${f_rows[$fmt]} rows in $secs s, $((peak_kb / 1024)) MB"
done

# ---- 3. the whole bundle
best="" peak=0
for ((i = 1; i <= reps; i++)); do
  run_ingest whole "$bundle"
  (( peak_kb > peak )) && peak=$peak_kb
  if [[ -z "$best" ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; fi
  echo "  whole bundle run $i/$reps: $secs s, $((peak_kb / 1024)) MB"
done
read -r w_rows w_rej < <(q "$case_db" "SELECT sum(rows_stored), sum(rows_rejected) FROM sources" | tr ',' ' ')
[[ "$w_rows" == "$sum_rows" ]] ||
  die "the whole bundle stored $w_rows rows, the per-format runs $sum_rows (see $out/case-whole.db)"
bundle_bytes=$(du -cb "$bundle" | tail -n 1 | cut -f1)
bundle_bytes=$((bundle_bytes - $(stat -c %s "$bundle/manifest.json")))

# ---- report
echo
echo "scale benchmark: $(nproc) CPUs, $pushmortem, bundle $bundle"
printf '%-10s %5s %9s %10s %9s %8s %10s %11s %8s\n' format files MiB rows rejected seconds "MiB/s" "rows/s" "peak MB"
for fmt in "${formats[@]}"; do
  awk -v f="$fmt" -v n="${f_files[$fmt]}" -v b="${f_bytes[$fmt]}" -v r="${f_rows[$fmt]}" -v j="${f_rej[$fmt]}" \
      -v s="${f_secs[$fmt]}" -v m="${f_peak[$fmt]}" 'BEGIN {
    printf "%-10s %5d %9.1f %10d %9d %8.2f %10.1f %11.0f %8d\n", f, n, b / 1048576, r, j, s, b / 1048576 / s, r / s, m }'
done
awk -v b="$bundle_bytes" -v r="$w_rows" -v j="$w_rej" -v s="$best" -v m="$((peak / 1024))" 'BEGIN {
  printf "%-10s %5s %9.1f %10d %9d %8.2f %10.1f %11.0f %8d\n", "whole", "-", b / 1048576, r, j, s, b / 1048576 / s, r / s, m }'
if [[ -f "$out/case-fmt-zip.db" ]]; then
  zip_unpacked=$(q "$out/case-fmt-zip.db" "SELECT sum(size) FROM sources WHERE parent_id IS NOT NULL")
  awk -v b="${f_bytes[zip]}" -v u="$zip_unpacked" -v s="${f_secs[zip]}" 'BEGIN {
    printf "zip: MiB is the archive; it unpacks to %.1f MiB (%.1f MiB/s of unpacked logs)\n", u / 1048576, u / 1048576 / s }'
fi
awk -v a="$sum_secs" -v b="$best" 'BEGIN {
  printf "sum of the per-format runs / whole bundle: %.2f s / %.2f s = %.2f\n", a, b, a / b }'
echo "rows: the whole bundle stored the $w_rows rows the per-format runs stored; every source reconciles"
status=0
if (( peak / 1024 < goal_mb )); then verdict=met; else verdict=missed; status=2; fi
echo "peak memory, whole bundle: $((peak / 1024)) MB (goal < $goal_mb MB): $verdict"
[[ "${BENCH_NO_GOALS:-0}" == 1 ]] && exit 0
exit "$status"
