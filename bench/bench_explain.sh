#!/usr/bin/env bash
# Benchmark: `pushmortem explain` on generated 50-host cases of growing size.
#
#   bench/bench_explain.sh [SIZES...]      (default 500000 1000000 2000000 5000000)
#
# Builds nothing. Uses the pushmortem binary at $PUSHMORTEM (default
# build-rel/cli/pushmortem; use a Release build) and, for the generator's
# System.evtx files, pm_make_evtx ($PM_MAKE_EVTX, else build-rel/tests/ or
# build/tests/). For each size N:
#   1. bench/gen_case_bundle.py N bench/out/explain/bundle-N (cached: generated
#      again only when missing or made by another version of the generator or
#      seed; BENCH_SEED, default 2981833), 50 hosts, same push histories for
#      every N;
#   2. pushmortem ingest into a fresh bench/out/explain/case-N.db (timed,
#      printed, not the measured thing); every source must be ingested with
#      zero rejected rows (BENCH_REUSE_CASES=1: keep a case made from the same
#      bundle, to time a rebuilt explain without ingesting again);
#   3. BENCH_REPS (default 3) runs of
#        pushmortem explain --case case-N.db --format json > /dev/null
#      under /usr/bin/time -v (peak RSS); wall clock from bash's EPOCHREALTIME;
#      the best run counts. One more run writes the findings to
#      bench/out/explain/findings-N.json, which are counted.
# Prints a table (events from `pushmortem query`, ingest seconds, explain best
# seconds and peak MB, ratio to the smallest size, the ratio n log n predicts,
# findings) and two verdicts: explain at the largest size under 2 s, and growth
# no worse than n log n (a least-squares fit of log time against log events
# over all sizes; its ratio at the largest size at most n log n's times 1.10). The findings (rule, host, confidence, summary,
# explanation) must be the same for every size and more than zero: the script
# fails loudly otherwise.
# Exits non-zero when a tool is missing, a run fails, a check fails, or a goal
# is missed (BENCH_NO_GOALS=1: goals do not change the exit status).
# The cases are kept for profiling (perf record -g pushmortem explain ...).
set -euo pipefail

die() { echo "bench_explain: error: $*" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

sizes=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *[!0-9]*|'') die "unknown argument '$arg' (usage: $0 [SIZES...])" ;;
    *) (( arg >= 20000 )) || die "size $arg is below the generator's minimum (20000)"; sizes+=("$arg") ;;
  esac
done
(( ${#sizes[@]} )) || sizes=(500000 1000000 2000000 5000000)
mapfile -t sizes < <(printf '%s\n' "${sizes[@]}" | sort -n -u)
reps="${BENCH_REPS:-3}"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer"
seed="${BENCH_SEED:-2981833}"
[[ "$seed" =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a number"
goal_s=2
tolerance=1.10
pushmortem="${PUSHMORTEM:-build-rel/cli/pushmortem}"
python=/usr/bin/python3

# ---- tools
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
[[ -x "$python" ]] || die "$python is missing"
[[ -x "$pushmortem" ]] || die "pushmortem binary not found at '$pushmortem' (build it, or set PUSHMORTEM)"
pushmortem="$(cd "$(dirname "$pushmortem")" && pwd)/$(basename "$pushmortem")"
"$pushmortem" explain --help >/dev/null 2>&1 || die "$pushmortem has no explain subcommand"
make_evtx="${PM_MAKE_EVTX:-}"
if [[ -z "$make_evtx" ]]; then
  for c in build-rel/tests/pm_make_evtx build/tests/pm_make_evtx; do
    [[ -x "$c" ]] && { make_evtx="$c"; break; }
  done
fi
[[ -n "$make_evtx" && -x "$make_evtx" ]] ||
  die "pm_make_evtx not found (cmake --build build --target pm_make_evtx, or set PM_MAKE_EVTX)"

out=bench/out/explain
mkdir -p "$out"
gen_id="$(sha256sum bench/gen_case_bundle.py | cut -c1-16) seed $seed"

q() {  # CASE SQL -> first value of the csv result
  "$pushmortem" query --case "$1" --format csv "$2" | sed -n 2p | tr -d '\r'
}
remove_case() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

declare -A events ingest_s best_s peak_mb findings fkey
for n in "${sizes[@]}"; do
  bundle="$out/bundle-$n" case_db="$out/case-$n.db"
  # ---- 1. bundle (cached)
  if [[ ! -d "$bundle" || "$(cat "$bundle.id" 2>/dev/null)" != "$gen_id" ]]; then
    echo "generating $bundle"
    rm -f "$bundle.id"
    t0=$EPOCHREALTIME
    "$python" bench/gen_case_bundle.py "$n" "$bundle" --seed "$seed" --manifest "$bundle.json" \
      --make-evtx "$make_evtx" | sed 's/^/  /'
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "  generated in %.1f s\n", b - a }'
    echo "$gen_id" > "$bundle.id"
  else
    echo "bundle $bundle: cached ($(du -sh "$bundle" | cut -f1))"
  fi
  # ---- 2. ingest (timed, not the measured thing)
  if [[ "${BENCH_REUSE_CASES:-0}" == 1 && -s "$case_db" && "$(cat "$case_db.id" 2>/dev/null)" == "$gen_id" ]]; then
    ingest_s[$n]=reused
  else
    remove_case "$case_db"
    rm -f "$case_db.id"
    t0=$EPOCHREALTIME
    "$pushmortem" ingest "$bundle" --case "$case_db" -q > "$out/ingest-$n.stdout" 2> "$out/ingest-$n.stderr" ||
      { tail -n 20 "$out/ingest-$n.stderr" >&2; die "ingest of $bundle failed"; }
    ingest_s[$n]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    echo "$gen_id" > "$case_db.id"
  fi
  bad=$(q "$case_db" "SELECT count(*) FROM sources WHERE status <> 'ingested' OR rows_rejected <> 0")
  [[ "$bad" == 0 ]] || {
    "$pushmortem" query --case "$case_db" "SELECT path, status, status_reason, rows_rejected FROM sources
      WHERE status <> 'ingested' OR rows_rejected <> 0" >&2
    die "case-$n: $bad sources not ingested cleanly (see above)"
  }
  events[$n]=$(q "$case_db" "SELECT count(*) FROM events")
  echo "ingested $n: ${events[$n]} events, $(q "$case_db" "SELECT count(*) FROM sources") sources, 0 rejected," \
       "${ingest_s[$n]}$([[ ${ingest_s[$n]} == reused ]] || echo ' s'), case $(du -h "$case_db" | cut -f1)"
  # ---- 3. explain, best of $reps
  best="" peak=0
  for ((i = 1; i <= reps; i++)); do
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -v -o "$out/explain-$n.time" "$pushmortem" explain --case "$case_db" --format json \
        > /dev/null 2> "$out/explain-$n.stderr"; then
      tail -n 20 "$out/explain-$n.stderr" >&2
      grep -i 'exit status\|signal' "$out/explain-$n.time" >&2 || true
      die "explain on case-$n failed"
    fi
    s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/explain-$n.time")
    (( kb > peak )) && peak=$kb
    if [[ -z "$best" ]] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
    echo "  explain run $i/$reps: $s s, $((kb / 1024)) MB"
  done
  best_s[$n]=$best
  peak_mb[$n]=$((peak / 1024))
  # ---- findings (one more run, not timed)
  "$pushmortem" explain --case "$case_db" --format json > "$out/findings-$n.json" 2>/dev/null ||
    die "explain on case-$n failed"
  read -r findings[$n] fkey[$n] < <("$python" - "$out/findings-$n.json" <<'PY'
import hashlib, json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
items = data if isinstance(data, list) else data.get("findings", [])
# What must not depend on the size: which rule fired for which host, with what
# confidence and explanation (its counts come from the fixed push evidence).
keys = sorted(json.dumps([f.get(k) for k in ("rule", "host", "confidence", "summary", "explanation")]) for f in items)
print(len(items), hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16])
PY
)
done

# ---- report
n0=${sizes[0]}
echo
echo "explain benchmark: $(nproc) CPUs, best of $reps, $pushmortem"
printf '%10s %10s %9s %10s %8s %12s %12s %9s\n' size events "ingest s" "explain s" "peak MB" "ratio" "n log n" findings
for n in "${sizes[@]}"; do
  awk -v n="$n" -v e="${events[$n]}" -v e0="${events[$n0]}" -v i="${ingest_s[$n]}" -v t="${best_s[$n]}" \
      -v t0="${best_s[$n0]}" -v m="${peak_mb[$n]}" -v f="${findings[$n]}" 'BEGIN {
    printf "%10d %10d %9s %10.3f %8d %12.2f %12.2f %9d\n", n, e, i, t, m, (t0 > 0 ? t / t0 : 0),
      (e * log(e)) / (e0 * log(e0)), f }'
done
printf '%s\n' "findings by rule (largest case):"
"$python" - "$out/findings-${sizes[-1]}.json" <<'PY'
import collections, json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
items = data if isinstance(data, list) else data.get("findings", [])
for rule, k in sorted(collections.Counter(f.get("rule") for f in items).items()):
    print("  %-32s %d" % (rule, k))
PY

status=0
nl=${sizes[-1]}
label=$(awk -v n="$nl" 'BEGIN { if (n % 1000000 == 0) printf "%dM", n / 1000000; else if (n >= 1000000) printf "%.1fM", n / 1000000; else printf "%dk", n / 1000 }')
if awk -v t="${best_s[$nl]}" -v g="$goal_s" 'BEGIN { exit !(t < g) }'; then verdict=met; else verdict=missed; status=2; fi
echo "explain $label: ${best_s[$nl]} s (goal < $goal_s s): $verdict"
if (( ${#sizes[@]} > 1 )); then
  # Judged on a least-squares fit of log(time) against log(events) over every
  # size (one noisy size on a shared machine does not decide): the fitted
  # ratio at the largest size must be at most n log n's ratio times $tolerance.
  pts="" growth=""
  for n in "${sizes[@]}"; do
    pts+="${events[$n]} ${best_s[$n]} "
    [[ "$n" == "$n0" ]] && continue
    growth+="${growth:+, }$n: $(awk -v t="${best_s[$n]}" -v t0="${best_s[$n0]}" -v e="${events[$n]}" -v e0="${events[$n0]}" \
      'BEGIN { printf "%.2f/%.2f", (t0 > 0 ? t / t0 : 0), (e * log(e)) / (e0 * log(e0)) }')"
  done
  read -r slope fitted predicted verdict < <(awk -v pts="$pts" -v tol="$tolerance" 'BEGIN {
    k = split(pts, v, " "); m = k / 2
    for (i = 1; i <= m; i++) { x[i] = log(v[2 * i - 1]); y[i] = log(v[2 * i] > 0 ? v[2 * i] : 1e-6); sx += x[i]; sy += y[i] }
    for (i = 1; i <= m; i++) { sxx += (x[i] - sx / m) ^ 2; sxy += (x[i] - sx / m) * (y[i] - sy / m) }
    b = sxy / sxx; e0 = v[1]; e = v[2 * m - 1]
    fit = exp(b * log(e / e0)); p = (e * log(e)) / (e0 * log(e0))
    printf "%.2f %.2f %.2f %s\n", b, fit, p, (fit <= p * tol ? "met" : "missed") }')
  [[ "$verdict" == met ]] || status=2
  echo "growth: time ratio / n log n ratio to $n0: $growth; fitted slope $slope, fitted ratio at $nl $fitted vs n log n $predicted x ${tolerance} tolerance (goal: no worse than n log n): $verdict"
else
  echo "growth: one size only, not judged"
fi

# ---- findings must not depend on the size
for n in "${sizes[@]}"; do
  (( findings[$n] > 0 )) || die "case-$n: explain reported no findings (expected the fixed push histories' findings)"
  [[ "${fkey[$n]}" == "${fkey[$n0]}" ]] ||
    die "FINDINGS DIFFER: case-$n has ${findings[$n]} findings (key ${fkey[$n]}), case-$n0 ${findings[$n0]} (key ${fkey[$n0]}); compare $out/findings-$n.json and $out/findings-$n0.json"
done
echo "findings: ${findings[$n0]} at every size (same rules, hosts, confidences and explanations)"
[[ "${BENCH_NO_GOALS:-0}" == 1 ]] && exit 0
exit "$status"
