#!/usr/bin/env bash
# Benchmark: pushmortem ingest vs lnav on a generated pfirewall.log.
#
#   bench/bench_firewall_ingest.sh [--lnav-only] [ROWS]
#
# Builds nothing. Uses the pushmortem binary at $PUSHMORTEM (default
# build/cli/pushmortem, relative to the repository root) and Debian's lnav.
# Generates ROWS data rows (default 1000000) once into bench/out/ with
# bench/gen_pfirewall.py, then runs, alternating, BENCH_REPS (default 3)
# repetitions of
#   pushmortem ingest FILE --case bench/out/fw.db --tz UTC   (case deleted first)
#   lnav -n -c ';SELECT count(*) FROM w3c_log' FILE
# under /usr/bin/time -f '%e %M' (wall seconds, peak RSS KiB), and prints the
# median time, the peak RSS, rows/second and the ratio lnav / pushmortem.
# Checks that both tools count the same rows as the generator wrote.
# Exits non-zero when a tool is missing, a run fails, or the counts differ.
# --lnav-only: skip pushmortem (to check the harness before the binary exists).
set -euo pipefail

die() { echo "bench_firewall_ingest: error: $*" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

lnav_only=0
rows=1000000
for arg in "$@"; do
  case "$arg" in
    --lnav-only) lnav_only=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|'') die "unknown argument '$arg' (usage: $0 [--lnav-only] [ROWS])" ;;
    *) rows="$arg" ;;
  esac
done
reps="${BENCH_REPS:-3}"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer"
pushmortem="${PUSHMORTEM:-build/cli/pushmortem}"

# ---- tools
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
command -v python3 >/dev/null || die "python3 is missing"
command -v lnav >/dev/null || die "lnav is missing (apt-get install lnav)"
if (( ! lnav_only )); then
  [[ -x "$pushmortem" ]] || die "pushmortem binary not found at '$pushmortem' (build it, or set PUSHMORTEM)"
  pushmortem="$(cd "$(dirname "$pushmortem")" && pwd)/$(basename "$pushmortem")"
fi

out=bench/out
mkdir -p "$out"
log="$out/pfirewall-$rows.log"
case_db="$out/fw.db"

# ---- input, generated once per run
echo "generating $rows rows -> $log"
python3 bench/gen_pfirewall.py --rows "$rows" --output "$log"
data_lines=$(tr -d '\r' < "$log" | awk '!/^#/ && NF' | wc -l)
[[ "$data_lines" -eq "$rows" ]] || die "generator wrote $data_lines data lines, expected $rows"
size_mb=$(awk -v b="$(stat -c %s "$log")" 'BEGIN { printf "%.1f", b / 1048576 }')

remove_case() { rm -f "$case_db" "$case_db-wal" "$case_db-shm" "$case_db-journal"; }

# run_timed NAME OUTFILE CMD... : appends "seconds kib" to $out/NAME.times
run_timed() {
  local name="$1" stdout_file="$2"; shift 2
  local tfile="$out/$name.time"
  if ! /usr/bin/time -f '%e %M' -o "$tfile" "$@" >"$stdout_file" 2>"$out/$name.stderr"; then
    echo "--- $name failed: $*" >&2
    tail -n 20 "$out/$name.stderr" >&2 || true
    grep -v '^[0-9.]* [0-9]*$' "$tfile" >&2 || true  # e.g. "Command terminated by signal 11"
    die "$name exited non-zero"
  fi
  tail -n 1 "$tfile" >> "$out/$name.times"
}

last_int() { grep -Eo '[0-9]+' "$1" | tail -n 1 || true; }

rm -f "$out/pushmortem.times" "$out/lnav.times"
pm_count="" lnav_count=""
for ((i = 1; i <= reps; i++)); do
  if (( ! lnav_only )); then
    remove_case
    echo "run $i/$reps: pushmortem ingest"
    run_timed pushmortem "$out/pushmortem.stdout" "$pushmortem" ingest "$log" --case "$case_db" --tz UTC
    [[ -s "$case_db" ]] || die "pushmortem ingest did not create $case_db"
  fi
  echo "run $i/$reps: lnav"
  run_timed lnav "$out/lnav.stdout" lnav -n -c ';SELECT count(*) FROM w3c_log' "$log"
  c=$(last_int "$out/lnav.stdout")
  [[ -n "$c" ]] || die "no count in lnav output: $(cat "$out/lnav.stdout")"
  [[ -z "$lnav_count" || "$c" == "$lnav_count" ]] || die "lnav counted $c rows, earlier $lnav_count"
  lnav_count="$c"
done

# ---- row counts
if (( ! lnav_only )); then
  sql="SELECT count(*) FROM firewall_log"
  if "$pushmortem" query --help >/dev/null 2>&1; then
    how="pushmortem query"
    "$pushmortem" query --case "$case_db" --format csv "$sql" > "$out/query.stdout" 2> "$out/query.stderr" ||
      { cat "$out/query.stderr" >&2; die "pushmortem query failed"; }
  else
    how="sqlite3 (pushmortem has no query subcommand)"
    command -v sqlite3 >/dev/null || die "sqlite3 is missing and pushmortem has no query subcommand"
    sqlite3 "$case_db" "$sql" > "$out/query.stdout" || die "sqlite3 query failed"
  fi
  pm_count=$(last_int "$out/query.stdout")
  [[ -n "$pm_count" ]] || die "no count in the output of $how: $(cat "$out/query.stdout")"
fi

# ---- report
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
peak_mb() { awk '$2 > m { m = $2 } END { printf "%.0f", m / 1024 }'; }
row() {  # NAME TIMESFILE COUNT
  local med peak
  med=$(awk '{ print $1 }' "$2" | median)
  peak=$(peak_mb < "$2")
  printf '%-12s %10.2f %10s %14s %10s   %s\n' "$1" "$med" "$peak" \
    "$(awk -v n="$rows" -v t="$med" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "inf" }')" "$3" \
    "$(awk '{ printf "%s ", $1 }' "$2")"
}

echo
echo "pfirewall ingest benchmark: $rows rows, $size_mb MiB, $reps repetitions each (alternating), $(nproc) CPUs"
echo "lnav: $(lnav -V 2>/dev/null | head -n 1)"
(( lnav_only )) || echo "pushmortem: $pushmortem; count via $how"
printf '%-12s %10s %10s %14s %10s   %s\n' tool "median s" "peak MB" "rows/second" rows "all runs (s)"
(( lnav_only )) || row pushmortem "$out/pushmortem.times" "$pm_count"
row lnav "$out/lnav.times" "$lnav_count"

status=0
if (( ! lnav_only )); then
  pm_med=$(awk '{ print $1 }' "$out/pushmortem.times" | median)
  lnav_med=$(awk '{ print $1 }' "$out/lnav.times" | median)
  awk -v l="$lnav_med" -v p="$pm_med" 'BEGIN {
    if (p > 0) printf "ratio lnav_time / pushmortem_time = %.2f\n", l / p; else print "ratio: pushmortem time is 0" }'
  if [[ "$pm_count" != "$rows" || "$lnav_count" != "$rows" ]]; then
    echo "COUNT MISMATCH: generator $rows, pushmortem $pm_count, lnav $lnav_count" >&2
    status=1
  fi
else
  [[ "$lnav_count" == "$rows" ]] || { echo "COUNT MISMATCH: generator $rows, lnav $lnav_count" >&2; status=1; }
  echo "(--lnav-only: pushmortem not run)"
fi
exit "$status"
