#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs
# each for SECONDS: tests/fuzz/run.sh SECONDS [TARGET...] (default: all).
# Seeds come from testdata/ (and ../shared/corpus/ when present); what a run
# finds stays in build-fuzz/fuzz-corpus/<target>/, crashes, leaks and slow
# inputs in tests/fuzz/crashes/<target>/. Exits 1 when any target failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: tests/fuzz/run.sh SECONDS [TARGET...]" >&2
  exit 2
fi
seconds="$1"
shift

parsers=(systeminfo ipconfig pfirewall netsh_allprofiles netsh_rules ps_netfirewallprofile ps_netfirewallrule
         dpm_errlog msi_log dpm_push_errors evtx evt_xml evt_csv evt_text)
all_targets=()
for p in "${parsers[@]}"; do all_targets+=("fuzz_$p"); done
all_targets+=(fuzz_bundle fuzz_rule_loader fuzz_condition)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

build="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPM_FUZZ=ON >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}" >/dev/null

shared="$root/../shared/corpus"
# Seed folders (and files) for a target.
seed_sources() {
  case "$1" in
    fuzz_systeminfo) echo testdata/systeminfo ;;
    fuzz_ipconfig) echo testdata/ipconfig ;;
    fuzz_pfirewall) echo testdata/pfirewall "$shared/firewall" ;;
    fuzz_netsh_allprofiles | fuzz_netsh_rules) echo testdata/netsh ;;
    fuzz_ps_netfirewallprofile | fuzz_ps_netfirewallrule) echo testdata/powershell ;;
    fuzz_dpm_errlog) echo testdata/errlog ;;
    fuzz_msi_log) echo testdata/msi ;;
    fuzz_dpm_push_errors) echo testdata/push-errors ;;
    fuzz_evtx) echo testdata/hunt/evtx testdata/bundles "$shared/evtx" ;;
    fuzz_evt_xml) echo testdata/evt-xml ;;
    fuzz_evt_csv) echo testdata/evt-csv ;;
    fuzz_evt_text) echo testdata/evt-text ;;
    fuzz_bundle) echo "$build/fuzz-seeds/archives" ;;
    fuzz_rule_loader) echo rules/packs/dpm testdata/rules docs/examples ;;
    fuzz_condition) echo tests/fuzz/seeds/condition ;;
  esac
  [ -d "testdata/fuzz-regressions/$1" ] && echo "testdata/fuzz-regressions/$1"
  return 0
}

# Archives for the bundle walker, built from small fixtures (nested too).
make_archive_seeds() {
  local out="$build/fuzz-seeds/archives" tmp
  [ -d "$out" ] && return 0
  tmp=$(mktemp -d)
  mkdir -p "$out" "$tmp/b/host01"
  cp testdata/pfirewall/*.log "$tmp/b/host01/" 2>/dev/null || true
  cp testdata/systeminfo/server2012r2_en.txt "$tmp/b/host01/"
  (cd "$tmp" && tar -cf "$out/bundle.tar" b && tar -czf "$out/bundle.tar.gz" b && zip -qr "$out/bundle.zip" b)
  (cd "$tmp" && cp "$out/bundle.tar.gz" b/inner.tar.gz && zip -qr "$out/nested.zip" b)
  gzip -c testdata/systeminfo/server2012r2_en.txt >"$out/single.gz"
  rm -rf "$tmp"
}

# Copies the seeds (files up to 1 MiB: big EVTX files would only slow every
# execution) into one folder per target, so libFuzzer reads a flat list.
prepare_seeds() {
  local target="$1" dir="$build/fuzz-seeds/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  local src
  for src in $(seed_sources "$target"); do
    [ -e "$src" ] || continue
    local ext=""
    case "$target" in
      fuzz_evtx) ext="-name *.evtx" ;;
      fuzz_rule_loader) ext="-name *.yml" ;;
    esac
    # shellcheck disable=SC2086
    find "$src" -type f -size -1025k $ext ! -name '*.expected' ! -name 'LICENSE*' -print0 |
      while IFS= read -r -d '' f; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-16)-$(basename "$f")"; done
  done
}

make_archive_seeds
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=()
for target in "${targets[@]}"; do
  prepare_seeds "$target"
  corpus="$build/fuzz-corpus/$target"
  crashes="$root/tests/fuzz/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  log="$build/fuzz-logs/$target.log"
  mkdir -p "$(dirname "$log")"
  extra=()
  [ "$target" = fuzz_evtx ] && extra+=(-max_len=262144)
  echo "== $target (${seconds}s)"
  if "$build/tests/fuzz/$target" "$corpus" "$build/fuzz-seeds/$target" \
      -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -detect_leaks=1 \
      -artifact_prefix="$crashes/" -print_final_stats=1 "${extra[@]}" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | tr '\n' ' '
    echo
  else
    echo "   FAILED: see $log and $crashes/"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -5 | sed 's/^/   /'
    failed+=("$target")
  fi
  rmdir "$crashes" 2>/dev/null || true  # kept only when something was found
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]}"
  exit 1
fi
echo "fuzzing: ${#targets[@]} target(s), ${seconds}s each, no failure"
