#!/usr/bin/env bash
# Benchmark: the native EVTX reader against evtxexport (libevtx) and python-evtx.
#
#   bench/bench_evtx.sh [--big-mb N]
#
# Builds nothing. Uses the pushmortem binary at $PUSHMORTEM (default
# build-rel/cli/pushmortem; use a Release build) and Debian's evtxexport
# (libevtx-utils) and python3-evtx. Two inputs:
#   corpus  every *.evtx under ../shared/corpus/evtx ($PM_EVTX_CORPUS)
#   big     one generated file of about N MiB (default 1024) in bench/out/evtx/,
#           made of the chunks of the corpus files evtxexport reads without
#           error, repeated behind a fresh file header (regenerated only when
#           missing or of another size)
# In one run, alternating, BENCH_REPS (default 3) repetitions of
#   dump      pushmortem dump --format jsonl DIR > /dev/null     (all files, one process)
#   ingest    pushmortem ingest DIR --case fresh.db -q
#   evtxexport  evtxexport -f xml FILE > /dev/null, for every file
#   python    evtx_dump.py FILE > /dev/null (python-evtx), every file, corpus only (slow)
# each under /usr/bin/time (wall seconds, peak RSS). Prints a table of median
# seconds and peak RSS, and the ratios evtxexport / dump and evtxexport /
# ingest (goals: >= 10 and >= 3), and the records dump wrote and ingest
# stored (ingest stores a duplicate file once, so it may store fewer).
# Exits non-zero when a tool is missing or a run fails.
set -euo pipefail

die() { echo "bench_evtx: error: $*" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

big_mb=1024
while (( $# )); do
  case "$1" in
    --big-mb) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--big-mb needs a positive number"; big_mb="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (usage: $0 [--big-mb N])" ;;
  esac
done
reps="${BENCH_REPS:-3}"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer"
pushmortem="${PUSHMORTEM:-build-rel/cli/pushmortem}"
corpus="${PM_EVTX_CORPUS:-$root/../shared/corpus/evtx}"

# ---- tools and inputs
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
[[ -x /usr/bin/evtxexport ]] || die "/usr/bin/evtxexport is missing (apt-get install libevtx-utils)"
[[ -x /usr/bin/evtx_dump.py ]] || die "/usr/bin/evtx_dump.py is missing (apt-get install python3-evtx)"
[[ -x "$pushmortem" ]] || die "pushmortem binary not found at '$pushmortem' (build it, or set PUSHMORTEM)"
pushmortem="$(cd "$(dirname "$pushmortem")" && pwd)/$(basename "$pushmortem")"
[[ -d "$corpus" ]] || die "EVTX corpus not found at '$corpus' (set PM_EVTX_CORPUS)"
corpus="$(cd "$corpus" && pwd)"

out=bench/out/evtx
mkdir -p "$out/big"
big="$out/big/big.evtx"
want_bytes=$(( big_mb * 1048576 / 65536 * 65536 + 4096 ))
if [[ ! -f "$big" || "$(stat -c %s "$big")" -ne "$want_bytes" ]]; then
  echo "generating $big ($big_mb MiB of corpus chunks)"
  # Only files evtxexport reads to the end: it stops at the first record it
  # cannot decode, which would end its run on the big file early.
  find "$corpus" -name '*.evtx' -print0 | sort -z | while IFS= read -r -d '' f; do
    /usr/bin/evtxexport -f xml "$f" >/dev/null 2>&1 && printf '%s\n' "$f"
  done > "$out/big/sources.txt"
  python3 bench/gen_evtx_chunks.py "$out/big/sources.txt" "$big" "$big_mb"
fi
size_mb() { find "$1" -name '*.evtx' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1048576 }'; }
corpus_mb=$(size_mb "$corpus")
big_size_mb=$(size_mb "$out/big")
corpus_files=$(find "$corpus" -name '*.evtx' | wc -l)

# run_timed NAME CMD... : appends "seconds kib" to $out/NAME.times; stdout to /dev/null unless captured
failures=0
run_timed() {
  local name="$1"; shift
  if ! /usr/bin/time -f '%e %M' -o "$out/$name.time" "$@" >/dev/null 2>"$out/$name.stderr"; then
    echo "--- $name failed: $*" >&2
    tail -n 20 "$out/$name.stderr" >&2 || true
    failures=$((failures + 1))
    return 0
  fi
  tail -n 1 "$out/$name.time" >> "$out/$name.times"
}

names=(dump_corpus ingest_corpus evtxexport_corpus python_corpus dump_big ingest_big evtxexport_big)
for n in "${names[@]}"; do rm -f "$out/$n.times"; done
for ((i = 1; i <= reps; i++)); do
  echo "repetition $i of $reps"
  run_timed dump_corpus "$pushmortem" dump --format jsonl "$corpus"
  rm -f "$out/corpus.db"*
  run_timed ingest_corpus "$pushmortem" ingest "$corpus" --case "$out/corpus.db" -q
  # xargs exits 123 when some invocation failed: the reference tools cannot
  # read every corpus file (evtxexport stops at a record it cannot decode).
  run_timed evtxexport_corpus bash -c 'find "$1" -name "*.evtx" -print0 | xargs -0 -n1 /usr/bin/evtxexport -f xml; rc=$?; ((rc == 0 || rc == 123))' _ "$corpus"
  run_timed python_corpus bash -c 'find "$1" -name "*.evtx" -print0 | xargs -0 -n1 /usr/bin/python3 /usr/bin/evtx_dump.py; rc=$?; ((rc == 0 || rc == 123))' _ "$corpus"
  run_timed dump_big "$pushmortem" dump --format jsonl "$out/big"
  rm -f "$out/big.db"*
  run_timed ingest_big "$pushmortem" ingest "$out/big" --case "$out/big.db" -q
  run_timed evtxexport_big /usr/bin/evtxexport -f xml "$big"
done

# ---- record counts
dumped() { grep -Eo 'dumped [0-9]+ records' "$out/$1.stderr" | grep -Eo '[0-9]+' || echo "?"; }
stored() {
  [[ -f "$out/$1.db" ]] || { echo "?"; return; }
  python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM win_events").fetchone()[0])' "$out/$1.db" 2>/dev/null || echo "?"
}
for set in corpus big; do
  d=$(dumped "dump_$set"); s=$(stored "$set")
  echo "$set: dump wrote $d records, ingest stored $s"
  [[ "$d" != "?" && "$s" != "?" && "$s" -gt 0 && "$s" -le "$d" ]] ||
    { echo "--- $set: implausible record counts" >&2; failures=$((failures + 1)); }
done

# ---- table
median() { [[ -f "$out/$1.times" ]] || { echo "-"; return; }; awk '{print $1}' "$out/$1.times" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
peak() { [[ -f "$out/$1.times" ]] || { echo "-"; return; }; awk '{print $2}' "$out/$1.times" | sort -n | tail -n 1 | awk '{printf "%.0f", $1/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.1f", a / b }'; }
echo
echo "EVTX benchmark: corpus $corpus_files files, $corpus_mb MiB; big 1 file, $big_size_mb MiB; $reps repetitions; $(nproc) cores"
printf '%-20s %12s %12s %14s\n' run median_s peak_rss_MiB MiB_per_s
for n in "${names[@]}"; do
  m=$(median "$n"); mb=$corpus_mb; [[ "$n" == *_big ]] && mb=$big_size_mb
  printf '%-20s %12s %12s %14s\n' "$n" "$m" "$(peak "$n")" "$(ratio "$mb" "$m")"
done
echo
for set in corpus big; do
  e=$(median "evtxexport_$set")
  echo "$set: evtxexport / pushmortem dump = $(ratio "$e" "$(median "dump_$set")") (goal >= 10), evtxexport / pushmortem ingest = $(ratio "$e" "$(median "ingest_$set")") (goal >= 3)"
done
echo "corpus: python-evtx / pushmortem dump = $(ratio "$(median python_corpus)" "$(median dump_corpus)")"
(( failures == 0 )) || die "$failures run(s) failed"
