#!/usr/bin/env python3
"""Generate a realistic DPM trace log (*.errlog) for benchmarks.

Writes UTF-16LE with a byte order mark and CRLF line ends (as DPM writes its
traces), until the file reaches --size-mb MiB. Deterministic for a given
--seed. Python 3 standard library only. Prints "lines N" (every line is a
row for pushmortem: trace lines and the few continuation lines alike).

No real DPM log is public; the shapes follow ../shared/formats/dpm.md:
  - 10 tab-separated fields: pid, tid (hex), MM/DD, HH:MM:SS.mmm (UTC), a
    two-hex-digit tag, source(line), [object] (empty on managed lines), task
    GUID (often empty), level, message (may hold tabs).
  - A mix of binaries' lines in one file, as in MSDPMCurr.errlog around a push:
    native engine lines (agentmanager.cpp, dcomhelper.cpp, ...) with object
    addresses and task GUIDs ~55%; managed lines (*.cs) ~25%; DPMRA-style
    VSS/RPC lines ~20%.
  - Levels: NORMAL ~90%, WARNING ~5%, ERROR ~4%, CRITICAL/FATAL ~1%. About 6%
    of lines carry an HRESULT (Hr: = [0x...], (0x...), failed with error
    code: 1b7afbe0), 1% a DPM error id (Error 319:, error id: 347, (ID 347
    Details: ...)), ~10% a host name, ~1% an agent operation target.
  - 0.2% are continuation lines (an exception's stack frames).
  - Time advances ~0.4 s a line on average in bursts, from --start; the
    default start (12/30 of 2023) makes the file cross a Dec -> Jan rollover,
    so the last records are in 2024 (give pushmortem --year 2024).

Usage: gen_errlog.py [--size-mb N] [-o FILE] [--seed N] [--start "YYYY-MM-DD HH:MM:SS"]
"""

import argparse
import datetime as dt
import random
import sys

HOSTS = ["fs01.contoso.com", "fs02.contoso.com", "sql01.contoso.com", "web-02.contoso.com", "dpm01.contoso.com",
         "FS03", "HV-HOST07"]
HRESULTS = ["0x800706BA", "0x80010119", "0x80070005", "0x800706D9", "0x8007041D", "0x80070721", "0x8007274D",
            "0x80070035", "0x800706BE"]
ERROR_IDS = [270, 277, 291, 300, 308, 313, 316, 319, 324, 337, 341, 347, 348, 370]

NATIVE = [
    ("agentmanager.cpp", "Processing agent operation {op} for {host}"),
    ("agentmanager.cpp", "Install agent on {host} (agent version 10.19.58.0)"),
    ("dcomhelper.cpp", "CoCreateInstanceEx for the Agent Coordinator on {host} returned"),
    ("jobmanager.cpp", "Job {job} state changed from Running to Running, task count {n}"),
    ("fsmbase.cpp", "Fsm {guid} received event {n} in state {n2}"),
    ("taskexecutor.cpp", "Task {guid} completed\tstatus=Succeeded\telapsed={n} ms"),
    ("sqlhelper.cpp", "Executing stored procedure prc_AM_Agent_GetStatus with {n} parameters"),
    ("rpcclient.cpp", "RPC binding to {host} on port 5718 established"),
]
MANAGED = [
    ("AgentOperationJob.cs", "InstallAgent job {job} started. TargetServer: {host}"),
    ("ProductionServerWizard.cs", "Refreshing the list of production servers ({n} found)"),
    ("AlertManager.cs", "Alert {guid} resolved automatically"),
    ("ConnectionManager.cs", "Connected to DPMDB on instance MSDPM2019 in {n} ms"),
    ("SchedulerHelper.cs", "Next run of job {job} at {time}"),
]
DPMRA = [
    ("vsssnapshotrequestor.cpp", "CVssSnapshotRequestor::AddToSnapshotSet volume \\\\?\\Volume{{{guid}}}\\"),
    ("rpcserver.cpp", "RpcServerListen: {n} calls pending"),
    ("replicaagent.cpp", "Sending {n} bytes of change tracking data to {host}"),
    ("fsfilter.cpp", "Filter attached to volume C: with {n} outstanding requests"),
]
FAILURES = [
    "Failed: Hr: = [{hr}] The RPC server is unavailable",
    "CoCreateInstanceEx for the Agent Coordinator on {host} failed (" + "{hr})",
    "CreateService(DPMAC) failed with error code: {hr_bare}",
    "failed to install agent on {host}, error id: {eid} ({hr})",
    "Error {eid}: The agent operation failed because of a communication error with the DPM Agent Coordinator service on {host}.",
    "Alert raised (ID {eid} Details: {hr})",
]
FRAMES = [
    "   at Microsoft.Internal.EnterpriseStorage.Dls.Utils.DcomHelper.InitializeSecurity()",
    "   at Microsoft.Internal.EnterpriseStorage.Dls.AgentCoordinator.Start(String server)",
]


def guid(rnd):
    h = "%032X" % rnd.getrandbits(128)
    return "-".join([h[:8], h[8:12], h[12:16], h[16:20], h[20:]])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=200, help="file size in MiB (default 200)")
    ap.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--start", default="2023-12-30 08:00:00")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    t = dt.datetime.strptime(a.start, "%Y-%m-%d %H:%M:%S")
    target = a.size_mb * 1024 * 1024
    out = sys.stdout.buffer if a.output == "-" else open(a.output, "wb")
    out.write(b"\xff\xfe")
    written, lines = 2, 0
    procs = [("0A1C", "%016X" % 0x2C4E2A0), ("1F08", ""), ("0B7C", "%016X" % 0x3970D0)]
    task_guids = [guid(rnd) for _ in range(40)]
    buf = []
    while written < target:
        t += dt.timedelta(milliseconds=int(rnd.expovariate(1 / 400)))
        r = rnd.random()
        if r < 0.55:
            pid, obj = procs[0]
            src, msg = rnd.choice(NATIVE)
            tag = "09"
            g = rnd.choice(task_guids) if rnd.random() < 0.6 else ""
            obj = "[%016X]" % (0x2C4E2A0 + 16 * rnd.randrange(64))
        elif r < 0.80:
            pid, _ = procs[1]
            src, msg = rnd.choice(MANAGED)
            tag, obj = "0b", ""
            g = rnd.choice(task_guids) if rnd.random() < 0.3 else ""
        else:
            pid, _ = procs[2]
            src, msg = rnd.choice(DPMRA)
            tag, g = rnd.choice(["31", "27"]), ""
            obj = "[%016X]" % (0x3970D0 + 32 * rnd.randrange(32))
        lv = rnd.random()
        level = "NORMAL" if lv < 0.90 else "WARNING" if lv < 0.95 else "ERROR" if lv < 0.99 else \
            rnd.choice(["CRITICAL", "FATAL"])
        if level != "NORMAL" and rnd.random() < 0.6:
            msg = rnd.choice(FAILURES)
        hr = rnd.choice(HRESULTS)
        text = msg.format(op=rnd.choice(["Install", "Upgrade", "Uninstall"]), host=rnd.choice(HOSTS),
                          job=rnd.randrange(1, 9999), n=rnd.randrange(1, 5000), n2=rnd.randrange(1, 40),
                          guid=guid(rnd), time=t.strftime("%H:%M"), hr=hr, hr_bare=hr[2:].lower(),
                          eid=rnd.choice(ERROR_IDS))
        tid = "%04X" % rnd.choice([0x0B40, 0x0B44, 0x0C80, 0x0C84, 0x1A30, 0x0E10])
        line = "\t".join([pid, tid, t.strftime("%m/%d"), t.strftime("%H:%M:%S.") + "%03d" % (t.microsecond // 1000),
                          tag, "%s(%d)" % (src, rnd.randrange(40, 2400)), obj, g, level, text])
        buf.append(line)
        lines += 1
        if level in ("CRITICAL", "FATAL") and rnd.random() < 0.2:
            buf.extend(FRAMES)
            lines += len(FRAMES)
        if len(buf) >= 4096:
            data = ("\r\n".join(buf) + "\r\n").encode("utf-16-le")
            out.write(data)
            written += len(data)
            buf = []
    if buf:
        data = ("\r\n".join(buf) + "\r\n").encode("utf-16-le")
        out.write(data)
        written += len(data)
    if out is not sys.stdout.buffer:
        out.close()
    print("lines %d" % lines, file=sys.stderr if a.output == "-" else sys.stdout)


if __name__ == "__main__":
    main()
