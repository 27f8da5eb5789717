#!/bin/sh
# Regenerates the DPM trace logs of the scenario bundles from their readable copies:
# src/<bundle>/<host>/<name>.errlog.txt (UTF-8, LF) -> <bundle>/<host>/<name>.errlog
# (UTF-16LE with BOM, CRLF, as DPM writes them). Each log's modification time is set to
# when the bundle was collected (UTC, below): the errlog parser takes the year of its
# MM/DD dates from it. Usage: sh testdata/bundles/make_errlogs.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
count=0
while IFS='	' read -r rel collected; do
  [ -n "$rel" ] || continue
  src="$here/src/$rel.txt"
  out="$here/$rel"
  [ -f "$src" ] || { echo "make_errlogs.sh: missing $src" >&2; exit 1; }
  mkdir -p "$(dirname "$out")"
  { printf '\377\376'; sed 's/$/\r/' "$src" | iconv -f UTF-8 -t UTF-16LE; } > "$out.tmp"
  mv "$out.tmp" "$out"
  TZ=UTC touch -d "$collected" "$out"
  count=$((count + 1))
done <<'LIST'
fw-drops-logged/dpm01.contoso.com/MSDPMCurr.errlog	2024-05-21 11:40:05
fw-no-drops/dpm01.contoso.com/MSDPMCurr.errlog	2024-04-16 14:25:40
multi-target/dpm01.contoso.com/MSDPMCurr.errlog	2024-11-05 15:31:09
push-resolved/dpm01.contoso.com/MSDPMCurr.errlog	2024-10-22 10:12:48
service-timeout/dpm01.contoso.com/MSDPMCurr.errlog	2024-07-09 17:41:52
target-off/dpm01.contoso.com/MSDPMCurr.errlog	2024-06-11 16:58:27
wrong-credentials/dpm01.contoso.com/MSDPMCurr.errlog	2024-09-17 08:55:13
LIST
# Every readable copy must be listed above.
listed=$(find "$here/src" -name '*.errlog.txt' | wc -l)
[ "$listed" -eq "$count" ] || { echo "make_errlogs.sh: $listed sources in src/, $count listed" >&2; exit 1; }
echo "make_errlogs.sh: $count trace logs written"
