#!/usr/bin/env python3
"""Generate a large mixed-format bundle (about SIZE_MB MiB) for the scale benchmark.

Writes OUT_DIR/<format>/<host>/... so every format's files can be ingested on
their own (bench/bench_scale.sh times each format, then the whole bundle), and
OUT_DIR/manifest.json: per format the files, bytes and the records written.
Deterministic for a seed; Python 3 standard library only. Shares of SIZE_MB:

  pfirewall 34%   pfirewall.log + pfirewall.log.old per host, 32 MiB each at
                  most (the Windows default cap), bench/gen_pfirewall.py rows
  errlog    20%   MSDPMCurr.errlog + MSDPMPrev.errlog (UTF-16LE),
                  bench/gen_errlog.py
  evtx      24%   four files of real chunks (bench/gen_evtx_chunks.py), each
                  started at another chunk so no two files are equal
  evt-xml    8%   Event Viewer "Save as XML" (testdata/evt-xml/viewer_export.xml's
                  events, repeated with fresh times and record ids)
  evt-csv    4%   Event Viewer CSV (testdata/evt-csv/viewer_en.csv's rows)
  evt-text   4%   wevtutil qe /f:text (testdata/evt-text/wevtutil_en.txt's events)
  msi        3%   verbose MSI logs (testdata/msi/agent_success_us.log's body lines,
                  repeated with advancing times, its header and footer kept)
  zip        3%   one deflated .zip holding a pfirewall.log and an errlog of
                  their own seeds (the archive path: read, inflate, parse)

Usage: gen_scale_bundle.py SIZE_MB OUT_DIR --evtx-sources FILE [--seed S]
"""

import argparse
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MIB = 1048576
FW_ROW_BYTES = 100  # gen_pfirewall.py's mean row size, rounded up
FW_CAP = 32 * MIB

SHARES = {"pfirewall": 0.34, "errlog": 0.20, "evtx": 0.24, "evt-xml": 0.08, "evt-csv": 0.04,
          "evt-text": 0.04, "msi": 0.03, "zip": 0.03}


def run(*cmd):
    subprocess.run([sys.executable, *cmd], check=True, stdout=subprocess.DEVNULL)


def repeat_until(path, size, header, footer, make_record, encoding="utf-8"):
    """Writes header, records from make_record(i) until size bytes, footer; returns the count."""
    n = 0
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(header)
        written = len(header.encode(encoding))
        while written < size:
            rec = make_record(n)
            f.write(rec)
            written += len(rec.encode(encoding))
            n += 1
        f.write(footer)
    return n


def gen_evt_xml(path, size, start):
    text = open(os.path.join(ROOT, "testdata/evt-xml/viewer_export.xml"), encoding="utf-8").read()
    events = re.findall(r"<Event xmlns=.*?</Event>", text, re.S)
    head = text[:text.index("<Events>") + len("<Events>")]

    def record(i):
        t = start + dt.timedelta(milliseconds=250 * i)
        ev = events[i % len(events)]
        ev = re.sub(r"SystemTime='[^']*'", "SystemTime='%s.%07dZ'" % (t.strftime("%Y-%m-%dT%H:%M:%S"),
                                                                       t.microsecond * 10), ev)
        ev = re.sub(r"<EventRecordID>\d+</EventRecordID>", "<EventRecordID>%d</EventRecordID>" % (i + 1), ev)
        return ev + "\r\n"
    return repeat_until(path, size, head + "\r\n", "</Events>\r\n", record)


def gen_evt_csv(path, size, start):
    raw = open(os.path.join(ROOT, "testdata/evt-csv/viewer_en.csv"), encoding="utf-8-sig", newline="").read()
    rows = list(csv.reader(io.StringIO(raw)))
    header, body = rows[0], [r for r in rows[1:] if r]

    def record(i):
        t = start + dt.timedelta(seconds=i)
        row = list(body[i % len(body)])
        row[1] = "%d/%d/%d %d:%02d:%02d %s" % (t.month, t.day, t.year, (t.hour % 12) or 12, t.minute, t.second,
                                              "AM" if t.hour < 12 else "PM")
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(row)
        return out.getvalue()
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(header)
    return repeat_until(path, size, "\ufeff" + out.getvalue(), "", record)


def gen_evt_text(path, size, start):
    text = open(os.path.join(ROOT, "testdata/evt-text/wevtutil_en.txt"), encoding="utf-8").read()
    blocks = [b for b in re.split(r"^Event\[\d+\]:\r?\n", text, flags=re.M) if b.strip()]

    def record(i):
        t = start + dt.timedelta(milliseconds=500 * i)
        b = re.sub(r"^  Date: .*$", "  Date: %s.%03d" % (t.strftime("%Y-%m-%dT%H:%M:%S"), t.microsecond // 1000),
                   blocks[i % len(blocks)], count=1, flags=re.M)
        return "Event[%d]:\r\n%s" % (i, b)
    return repeat_until(path, size, "", "", record)


def gen_msi(path, size, start):
    lines = open(os.path.join(ROOT, "testdata/msi/agent_success_us.log"), encoding="cp1252").read().split("\n")
    stamp = re.compile(r"^(MSI \([cs]\) \([0-9A-F]{2}:[0-9A-F]{2}\) \[)\d\d:\d\d:\d\d:\d\d\d(\]: .*)$")
    body = [ln for ln in lines if stamp.match(ln.rstrip("\r"))]
    first = next(i for i, ln in enumerate(lines) if stamp.match(ln.rstrip("\r")))
    last = max(i for i, ln in enumerate(lines) if stamp.match(ln.rstrip("\r")))
    header = "\n".join(lines[:first]) + "\n"
    footer = "\n".join(lines[last + 1:])
    day_ms = 86_000_000  # stay inside the header's day

    def record(i):
        ms = (start.hour * 3600 + start.minute * 60 + start.second) * 1000 + (i * 37 + start.day * 1009) % day_ms
        ms %= 86_400_000
        m = stamp.match(body[i % len(body)].rstrip("\r"))
        t = "%02d:%02d:%02d:%03d" % (ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000)
        return "%s%s%s\r\n" % (m.group(1), t, m.group(2))
    return repeat_until(path, size, header, footer, record, encoding="cp1252")


def count_lines(path, encoding="utf-8"):
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        return sum(1 for _ in f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size_mb", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--evtx-sources", required=True, help="text file: EVTX files whose chunks to use")
    ap.add_argument("--seed", type=int, default=2981833)
    args = ap.parse_args()
    total = args.size_mb * MIB
    out = args.out_dir
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    manifest = {"size_mb": args.size_mb, "seed": args.seed, "formats": {}}
    start = dt.datetime(2024, 3, 4, 8, 0, 0)

    def add(fmt, path, records):
        entry = manifest["formats"].setdefault(fmt, {"files": [], "bytes": 0, "records": 0})
        entry["files"].append(os.path.relpath(path, out))
        entry["bytes"] += os.path.getsize(path)
        entry["records"] += records

    def host_dir(fmt, host):
        d = os.path.join(out, fmt, host)
        os.makedirs(d, exist_ok=True)
        return d

    # pfirewall: files of at most 32 MiB, two per host.
    budget = int(total * SHARES["pfirewall"])
    i = 0
    while budget > 0:
        size = min(FW_CAP, budget)
        host = "fs%02d.contoso.com" % (i // 2 + 1)
        name = "pfirewall.log" if i % 2 else "pfirewall.log.old"
        path = os.path.join(host_dir("pfirewall", host), name)
        rows = size // FW_ROW_BYTES
        run(os.path.join(HERE, "gen_pfirewall.py"), "-n", str(rows), "-o", path, "--seed", str(args.seed + i),
            "--start", (start + dt.timedelta(hours=12 * i)).strftime("%Y-%m-%d %H:%M:%S"))
        add("pfirewall", path, rows)
        budget -= os.path.getsize(path)
        i += 1

    # errlog: the current and the previous trace of the DPM server.
    half = max(1, int(total * SHARES["errlog"]) // MIB // 2)
    for k, name in enumerate(["MSDPMPrev.errlog", "MSDPMCurr.errlog"]):
        path = os.path.join(host_dir("errlog", "dpm01.contoso.com"), name)
        run(os.path.join(HERE, "gen_errlog.py"), "--size-mb", str(half), "-o", path, "--seed", str(args.seed + k),
            "--start", (start + dt.timedelta(days=3 * k)).strftime("%Y-%m-%d %H:%M:%S"))
        add("errlog", path, count_lines(path, "utf-16"))

    # evtx: four files, rotated chunk order.
    quarter = max(1, int(total * SHARES["evtx"]) // MIB // 4)
    for k, (host, name) in enumerate([("dpm01.contoso.com", "System.evtx"), ("dpm01.contoso.com", "Application.evtx"),
                                       ("fs01.contoso.com", "System.evtx"), ("fs01.contoso.com", "Security.evtx")]):
        path = os.path.join(host_dir("evtx", host), name)
        run(os.path.join(HERE, "gen_evtx_chunks.py"), args.evtx_sources, path, str(quarter), "--rotate", str(97 * k))
        add("evtx", path, 0)  # records: counted by the benchmark (pushmortem dump), not here

    for fmt, gen, name in [("evt-xml", gen_evt_xml, "System.xml"), ("evt-csv", gen_evt_csv, "System.csv"),
                           ("evt-text", gen_evt_text, "System.txt"), ("msi", gen_msi, "MSDPMAgentInstall.LOG")]:
        half_size = int(total * SHARES[fmt]) // 2
        for k, host in enumerate(["fs03.contoso.com", "fs04.contoso.com"]):
            path = os.path.join(host_dir(fmt, host), name)
            add(fmt, path, gen(path, half_size, start + dt.timedelta(days=k)))

    # zip: a pfirewall.log and an errlog of their own seeds, deflated.
    zsize = int(total * SHARES["zip"]) * 10  # these logs deflate about 10:1
    tmp = os.path.join(out, "zip-src")
    os.makedirs(tmp)
    fw = os.path.join(tmp, "pfirewall.log")
    run(os.path.join(HERE, "gen_pfirewall.py"), "-n", str(zsize // 2 // FW_ROW_BYTES), "-o", fw,
        "--seed", str(args.seed + 1000))
    el = os.path.join(tmp, "MSDPMCurr.errlog")
    run(os.path.join(HERE, "gen_errlog.py"), "--size-mb", str(max(1, zsize // 2 // MIB)), "-o", el,
        "--seed", str(args.seed + 1000))
    zpath = os.path.join(host_dir("zip", "bundle"), "fs09-dpm02.zip")
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.write(fw, "fs09.contoso.com/pfirewall.log")
        z.write(el, "dpm02.contoso.com/MSDPMCurr.errlog")
    add("zip", zpath, zsize // 2 // FW_ROW_BYTES + count_lines(el, "utf-16"))
    shutil.rmtree(tmp)

    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
    total_bytes = sum(e["bytes"] for e in manifest["formats"].values())
    print("bundle %s: %.0f MiB in %d files" % (out, total_bytes / MIB,
                                               sum(len(e["files"]) for e in manifest["formats"].values())))


if __name__ == "__main__":
    main()
