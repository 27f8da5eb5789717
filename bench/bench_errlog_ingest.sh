#!/usr/bin/env bash
# Benchmark: pushmortem ingest of a DPM trace log vs iconv (the decoding floor).
#
#   bench/bench_errlog_ingest.sh [SIZE_MB]
#
# Builds nothing. Uses the pushmortem binary at $PUSHMORTEM (default
# build/cli/pushmortem, relative to the repository root; use a Release build).
# Generates a SIZE_MB (default 200) MiB UTF-16LE errlog with BOM once into
# bench/out/ with bench/gen_errlog.py (kept while the generator is older),
# then runs, alternating, BENCH_REPS (default 3) repetitions of
#   pushmortem ingest FILE --case bench/out/errlog.db --year 2024 -q   (case deleted first)
#   iconv -f UTF-16LE -t UTF-8 FILE > /dev/null
# under /usr/bin/time -f '%e %M' (wall seconds, peak RSS KiB), and prints the
# median time, the peak RSS, input MB/s, and the ratio pushmortem / iconv
# (goal of issue #3: at most 3). Checks that the case holds one dpm_trace row
# per generated line and that iconv counts the same lines.
# Exits non-zero when a tool is missing, a run fails, or a count differs
# (missing the 3x goal is reported, not an error).
set -euo pipefail

die() { echo "bench_errlog_ingest: error: $*" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

size_mb=200
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|'') die "unknown argument '$arg' (usage: $0 [SIZE_MB])" ;;
    *) size_mb="$arg" ;;
  esac
done
reps="${BENCH_REPS:-3}"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer"
pushmortem="${PUSHMORTEM:-build/cli/pushmortem}"

# ---- tools
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
command -v python3 >/dev/null || die "python3 is missing"
command -v iconv >/dev/null || die "iconv is missing (libc-bin)"
[[ -x "$pushmortem" ]] || die "pushmortem binary not found at '$pushmortem' (build it, or set PUSHMORTEM)"
pushmortem="$(cd "$(dirname "$pushmortem")" && pwd)/$(basename "$pushmortem")"

out=bench/out
mkdir -p "$out"
log="$out/errlog-${size_mb}MB.errlog"
lines_file="$log.lines"
case_db="$out/errlog.db"

# ---- input, generated once (again when the generator changed)
if [[ ! -s "$log" || ! -s "$lines_file" || bench/gen_errlog.py -nt "$log" ]]; then
  echo "generating $size_mb MiB -> $log"
  python3 bench/gen_errlog.py --size-mb "$size_mb" --output "$log" > "$lines_file.tmp" || die "generator failed"
  mv "$lines_file.tmp" "$lines_file"
fi
lines=$(awk '$1 == "lines" { print $2 }' "$lines_file")
[[ "$lines" =~ ^[0-9]+$ ]] || die "no line count in $lines_file"
iconv_lines=$(iconv -f UTF-16LE -t UTF-8 "$log" | wc -l)
[[ "$iconv_lines" -eq "$lines" ]] || die "generator said $lines lines, iconv counts $iconv_lines"
size_bytes=$(stat -c %s "$log")
size_mib=$(awk -v b="$size_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')

remove_case() { rm -f "$case_db" "$case_db-wal" "$case_db-shm" "$case_db-journal"; }

# run_timed NAME CMD... : stdout to /dev/null, appends "seconds kib" to $out/NAME.times
run_timed() {
  local name="$1"; shift
  local tfile="$out/$name.time"
  if ! /usr/bin/time -f '%e %M' -o "$tfile" "$@" >/dev/null 2>"$out/$name.stderr"; then
    echo "--- $name failed: $*" >&2
    tail -n 20 "$out/$name.stderr" >&2 || true
    grep -v '^[0-9.]* [0-9]*$' "$tfile" >&2 || true  # e.g. "Command terminated by signal 11"
    die "$name exited non-zero"
  fi
  tail -n 1 "$tfile" >> "$out/$name.times"
}

rm -f "$out/pushmortem-errlog.times" "$out/iconv.times"
for ((i = 1; i <= reps; i++)); do
  remove_case
  echo "run $i/$reps: pushmortem ingest"
  run_timed pushmortem-errlog "$pushmortem" ingest "$log" --case "$case_db" --year 2024 -q
  [[ -s "$case_db" ]] || die "pushmortem ingest did not create $case_db"
  echo "run $i/$reps: iconv"
  run_timed iconv iconv -f UTF-16LE -t UTF-8 "$log"
done

# ---- row count of the last ingest
count=$("$pushmortem" query --case "$case_db" --format csv "SELECT count(*) FROM dpm_trace" 2>"$out/query.stderr" |
        tr -d '\r' | tail -n 1) || { cat "$out/query.stderr" >&2; die "pushmortem query failed"; }
rejected=$("$pushmortem" query --case "$case_db" --format csv "SELECT rows_rejected FROM sources WHERE format = 'dpm-errlog'" |
           tr -d '\r' | tail -n 1)

# ---- report
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
peak_mb() { awk '$2 > m { m = $2 } END { printf "%.0f", m / 1024 }'; }
row() {  # NAME TIMESFILE
  local med peak
  med=$(awk '{ print $1 }' "$2" | median)
  peak=$(peak_mb < "$2")
  printf '%-12s %10.2f %10s %10s   %s\n' "$1" "$med" "$peak" \
    "$(awk -v b="$size_bytes" -v t="$med" 'BEGIN { if (t > 0) printf "%.0f", b / 1048576 / t; else print "inf" }')" \
    "$(awk '{ printf "%s ", $1 }' "$2")"
}

echo
echo "errlog ingest benchmark: $size_mib MiB UTF-16LE, $lines lines, $reps repetitions each (alternating), $(nproc) CPUs"
echo "pushmortem: $pushmortem; iconv: $(iconv --version 2>/dev/null | head -n 1)"
printf '%-12s %10s %10s %10s   %s\n' tool "median s" "peak MB" "MB/s" "all runs (s)"
row pushmortem "$out/pushmortem-errlog.times"
row iconv "$out/iconv.times"

pm_med=$(awk '{ print $1 }' "$out/pushmortem-errlog.times" | median)
ic_med=$(awk '{ print $1 }' "$out/iconv.times" | median)
awk -v p="$pm_med" -v i="$ic_med" 'BEGIN {
  if (i > 0) { r = p / i; printf "ratio pushmortem_time / iconv_time = %.2f (goal <= 3: %s)\n", r, r <= 3 ? "met" : "missed" }
  else print "ratio: iconv time is 0" }'
echo "rows: generated $lines, stored $count, rejected $rejected"
status=0
if [[ "$count" != "$lines" || "$rejected" != "0" ]]; then
  echo "COUNT MISMATCH: generator $lines lines, pushmortem stored $count and rejected $rejected" >&2
  status=1
fi
exit "$status"
