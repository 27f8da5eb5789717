#!/usr/bin/env python3
"""Generate a realistic 50-host DPM push-failure bundle of about N events for benchmarks.

Writes OUT_DIR/<fqdn>/ for one DPM server (dpm01.contoso.com, 10.0.0.10) and
HOSTS-1 targets, in the formats pushmortem ingests. Deterministic for a seed;
Python 3 standard library only (EVTX files are written by the test tool
pm_make_evtx, see --make-evtx).

Every host folder has:
  systeminfo.txt, ipconfig.txt    host name, domain, OS, time zone, addresses
                                  (distinct 10.0.x.y; zones Eastern, Central,
                                  Pacific, UTC, W. Europe)
  netsh_allprofiles.txt           netsh advfirewall show allprofiles; every
                                  host logs allowed connections, about a
                                  third also dropped ones
  firewall_rules.txt              netsh advfirewall firewall show rule
                                  name=all verbose: the Windows defaults of a
                                  member server, role rules, and on hosts
                                  where the agent is (or was made) installable
                                  an inbound allow rule for dpmac.exe
  pfirewall.log                   most of the volume; local time; 18 columns
                                  (17 on 2008 R2 / 2012 R2); ALLOW rows of the
                                  server's role traffic, DROP rows (multicast
                                  and broadcast noise, scans) on hosts that log
                                  drops; the DPM server's push traffic (445,
                                  135, RPC, the coordinator's port: allowed,
                                  or dropped where the firewall blocks it)
The server also has MSDPMCurr.errlog (UTF-16LE, UTC, MM/DD; one "Install
protection agent on HOST failed: Error 347|319: ... (0x...)" line per failed
attempt among DPM's background chatter) and dpm01-console-errors.txt (the
admin's copy of console errors). Targets whose push succeeded have the agent's
MSI log (MSDPMAgentInstall.LOG). About a tenth of the hosts (the server and
the targets whose System log decides a rule) have System.evtx.

The push histories are fixed by the seed and do not depend on N: 13 targets
347 then 319 (KB 2981833; 4 of them log the drops), 6 319 with logged drops,
3 319 while the target restarted, 3 347 service timeouts on Server 2008 R2,
5 failed then succeeded, 5 succeeded at once, 14 no push. Only the background
volume grows with N (same 3-day span, denser), so every size yields the same
findings. Background rows never involve the server's address and System-log
noise never uses the event ids the rules look for.

Split of N: pfirewall ~95.5%, errlog ~3%, EVTX ~1.5% (plus the fixed push
evidence). Prints a summary; --manifest FILE writes the expected push history
and per-file event counts as JSON.

Usage: gen_case_bundle.py N_EVENTS OUT_DIR [--hosts 50] [--seed S] [--manifest FILE]
                          [--make-evtx PATH]
"""

import argparse
import calendar
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys

DOMAIN = "contoso.com"
SERVER = "dpm01"
SERVER_IP = "10.0.0.10"
DCS = ["10.0.0.2", "10.0.0.3"]
JUMP = ["10.0.50.10", "10.0.50.11"]
MGMT = "10.0.50.20"        # WinRM / monitoring
SCANNER = "10.0.50.40"     # vulnerability scanner (drops)
SPAN_START = dt.datetime(2024, 3, 12, 0, 0, 0)   # UTC; no DST change in the span for any zone below
SPAN_SECONDS = 3 * 86400
PUSH_DAY = dt.datetime(2024, 3, 13, 13, 0, 0)    # UTC, first attempts
FIX_DAY = dt.datetime(2024, 3, 14, 12, 0, 0)     # UTC, retries after the admin's fix
FILE_MTIME = calendar.timegm((2024, 3, 15, 9, 30, 0))  # anchors the errlog's year (2024)
AGENT_VERSION = "10.19.58.0"
DPMAC_PATH = r"C:\Program Files\Microsoft Data Protection Manager\DPMAC\bin\dpmac.exe"
DPMRA_PATH = r"C:\Program Files\Microsoft Data Protection Manager\DPM\bin\DPMRA.exe"
MSDPM_PATH = r"C:\Program Files\Microsoft System Center\DPM\DPM\bin\msdpm.exe"

# (display name, UTC offset in hours during 2024-03-12..15, weight)
ZONES = [("(UTC-05:00) Eastern Time (US & Canada)", -4, 24), ("(UTC-06:00) Central Time (US & Canada)", -5, 8),
         ("(UTC-08:00) Pacific Time (US & Canada)", -7, 6), ("(UTC) Coordinated Universal Time", 0, 5),
         ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", 1, 6)]
EASTERN = ZONES[0]

OSES = {
    "2008r2": ("Microsoft Windows Server 2008 R2 Standard", "6.1.7601 Service Pack 1 Build 7601", 17),
    "2012r2": ("Microsoft Windows Server 2012 R2 Standard", "6.3.9600 N/A Build 9600", 17),
    "2016": ("Microsoft Windows Server 2016 Standard", "10.0.14393 N/A Build 14393", 18),
    "2019": ("Microsoft Windows Server 2019 Standard", "10.0.17763 N/A Build 17763", 18),
    "2022": ("Microsoft Windows Server 2022 Datacenter", "10.0.20348 N/A Build 20348", 18),
}

# Target names by role; the first HOSTS-1 are used.
ROLE_NAMES = ([("fs%02d" % i, "file") for i in range(1, 9)] + [("sql%02d" % i, "sql") for i in range(1, 7)]
              + [("app%02d" % i, "app") for i in range(1, 9)] + [("web%02d" % i, "web") for i in range(1, 7)]
              + [("hv%02d" % i, "hv") for i in range(1, 5)] + [("exch%02d" % i, "exch") for i in range(1, 3)]
              + [("rds%02d" % i, "rds") for i in range(1, 5)]
              + [(n, "app") for n in ["erp01", "erp02", "sp01", "sp02", "crm01", "build01", "wsus01", "ca01",
                                      "sccm01", "print01", "log01"]])
ROLE_PORTS = {"file": [(445, 60), (139, 3), (5985, 2)], "sql": [(1433, 60), (445, 5), (135, 2)],
              "app": [(443, 40), (8080, 20), (445, 5)], "web": [(443, 50), (80, 30)],
              "hv": [(445, 30), (2179, 10), (6600, 5)], "exch": [(443, 40), (25, 20), (135, 10)],
              "rds": [(3389, 60), (445, 5)], "dpm": [(445, 10), (5718, 20), (5719, 20), (1433, 5)]}

# Push categories: (name, count for a 50-host case)
CATEGORIES = [("kb", 9), ("kb_drop", 4), ("fw319", 6), ("down319", 3), ("timeout347", 3), ("resolved", 5),
              ("ok", 5), ("idle", 14)]

E347_TOO_LATE = ("An error occurred when the agent operation attempted to create the DPM Agent Coordinator service "
                 "on {t}.", "Security must be initialized before any interfaces are marshalled or unmarshalled. "
                 "It cannot be changed one initialized.", "0x80010119")
E347_TIMEOUT = ("An error occurred when the agent operation attempted to create the DPM Agent Coordinator service "
                "on {t}.", "The service did not respond to the start or control request in a timely fashion.",
                "0x8007041D")
E319 = ("The agent operation failed because of a communication error with the DPM Agent Coordinator service on {t}.",
        "The RPC server is unavailable", "0x800706BA")


def utc_us(t):
    return calendar.timegm(t.timetuple()) * 1000000 + t.microsecond


class Host:
    def __init__(self, short, role, ip, zone, os_key, index):
        self.short, self.role, self.ip, self.zone, self.os_key, self.index = short, role, ip, zone, os_key, index
        self.fqdn = "%s.%s" % (short, DOMAIN)
        self.category = "server" if role == "dpm" else "idle"
        self.log_dropped = False
        self.dpmac_rule = None      # None | "enabled" | "disabled"
        self.dpmra_rules = False
        self.evtx = False
        self.attempts = []          # (utc datetime, kind) kind: 347 | 347t | 319 | ok
        self.fw_inject = []         # (utc datetime, line body) for pfirewall.log
        self.evtx_inject = []       # record descriptions (utc datetime, text)
        self.weight = 1.0
        self.mac = None


# ---------------------------------------------------------------- layout

def build_layout(seed, n_hosts):
    rng = random.Random("%d:layout" % seed)
    n_targets = n_hosts - 1
    if n_targets < 1 or n_targets > len(ROLE_NAMES):
        sys.exit("gen_case_bundle: --hosts must be 2..%d" % (len(ROLE_NAMES) + 1))
    ips = set()

    def new_ip():
        while True:
            ip = "10.0.%d.%d" % (rng.randint(1, 8), rng.randint(11, 249))
            if ip not in ips:
                ips.add(ip)
                return ip

    server = Host(SERVER, "dpm", SERVER_IP, EASTERN, "2019", 0)
    server.log_dropped = True
    server.evtx = True
    server.weight = 2.0
    targets = []
    zone_pick = [z for z in ZONES for _ in range(z[2])]
    for i, (name, role) in enumerate(ROLE_NAMES[:n_targets]):
        os_key = rng.choice(["2012r2", "2016", "2016", "2019", "2019", "2019", "2022", "2022"])
        h = Host(name, role, new_ip(), rng.choice(zone_pick), os_key, i + 1)
        h.weight = {"file": 1.6, "sql": 1.4, "web": 1.3, "exch": 1.5, "hv": 0.8}.get(role, 1.0) * rng.uniform(0.7, 1.3)
        targets.append(h)
    # Categories, scaled to the number of targets (push categories first).
    order = targets[:]
    rng.shuffle(order)
    total = sum(c for _, c in CATEGORIES)
    pos = 0
    for name, count in CATEGORIES:
        k = count if n_targets == total else max(1 if name != "idle" else 0, round(count * n_targets / total))
        for h in order[pos:pos + k]:
            h.category = name
        pos += k
    # Per-category firewall and OS facts.
    for h in targets:
        c = h.category
        if c == "timeout347":
            h.os_key = "2008r2"
        if c in ("kb_drop", "fw319"):
            h.log_dropped = True
        elif c in ("idle", "ok"):
            h.log_dropped = rng.random() < 0.3
        if c in ("resolved", "ok", "idle"):
            h.dpmac_rule, h.dpmra_rules = "enabled", True
        elif c == "kb" and rng.random() < 0.25:
            h.dpmac_rule = "disabled"   # a rule that exists but is off: still blocked
    # System.evtx: the server and the targets whose System log decides a rule (~10% of hosts).
    for c in ("down319", "down319", "timeout347", "resolved", "kb"):
        cands = [h for h in targets if h.category == c and not h.evtx]
        if cands:
            cands[0].evtx = True
    # Push histories.
    slot = 0
    for h in sorted(targets, key=lambda x: x.index):
        c = h.category
        if c == "idle":
            continue
        t = PUSH_DAY + dt.timedelta(minutes=slot * 9 + rng.randint(0, 5), seconds=rng.randint(0, 59))
        slot += 1
        gap = lambda: dt.timedelta(minutes=rng.randint(18, 75), seconds=rng.randint(0, 59))
        if c in ("kb", "kb_drop"):
            kinds = ["347"] + ["319"] * rng.randint(1, 3)
        elif c == "fw319":
            kinds = ["319"] * rng.randint(2, 3)
        elif c == "down319":
            kinds = ["319"] * rng.randint(1, 2)
        elif c == "timeout347":
            kinds = ["347t"] + (["319"] if rng.random() < 0.4 else [])
        elif c == "resolved":
            kinds = (["347"] if rng.random() < 0.5 else []) + ["319"] * rng.randint(1, 2)
        else:
            kinds = []
        for k in kinds:
            h.attempts.append((t, k))
            t += gap()
        if c in ("resolved", "ok"):
            ts = FIX_DAY + dt.timedelta(minutes=slot * 7 + rng.randint(0, 5), seconds=rng.randint(0, 59))
            h.attempts.append((ts if c == "resolved" else t, "ok"))
    for h in [server] + targets:
        h.mac = "00-50-56-%02X-%02X-%02X" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        h.dyn_port = rng.randint(49664, 49720)   # the coordinator's RPC port on this target
    return server, targets


# ---------------------------------------------------------------- push evidence

def inject_push_traffic(server, targets, rng):
    """The DPM server's connections for each attempt, on both ends, and System-log records."""
    sport = [50100]

    def nport():
        sport[0] += rng.randint(1, 4)
        if sport[0] > 65000:
            sport[0] = 50100
        return sport[0]

    def tcp(action, src, dst, sp, dp, path, pid):
        return "%s TCP %s %s %d %d 0 - 0 0 0 - - - %s %s" % (action, src, dst, sp, dp, path, pid)

    s = lambda x: dt.timedelta(seconds=x)
    for h in targets:
        first_fail = True
        for (ta, kind) in h.attempts:
            conns = []   # (utc, dst port, action on target, target pid)
            if h.category == "down319":
                # The target was restarting: no connection reached it.
                server.evtx_inject.append((ta - s(4), dcom_10009(h)))
                continue
            conns += [(ta - s(46), 445, "ALLOW", 4), (ta - s(44), 445, "ALLOW", 4), (ta - s(41), 135, "ALLOW", 880),
                      (ta - s(40), 49668, "ALLOW", 624)]
            if kind == "ok":
                conns += [(ta - s(20), 135, "ALLOW", 880), (ta - s(19), h.dyn_port, "ALLOW", 3412),
                          (ta + s(95), 5718, "ALLOW", 2280), (ta + s(96), 5719, "ALLOW", 2280)]
            elif kind in ("347", "319"):
                conns += [(ta - s(31), 135, "ALLOW", 880)]
                blocked = [(ta - s(30), h.dyn_port), (ta - s(27), h.dyn_port), (ta - s(21), h.dyn_port)]
                for (tb, p) in blocked:
                    conns.append((tb, p, "DROP", 0))
            for (tc, dp, action, pid) in conns:
                sp = nport()
                server.fw_inject.append((tc, tcp("ALLOW", SERVER_IP, h.ip, sp, dp, "SEND", 2960)))
                if action == "DROP" and not h.log_dropped:
                    continue
                h.fw_inject.append((tc, tcp(action, SERVER_IP, h.ip, sp, dp, "RECEIVE", pid)))
            # System-log records on targets that have one.
            if not h.evtx:
                continue
            if kind in ("347", "347t") or (first_fail and kind == "319"):
                h.evtx_inject.append((ta - s(38), svc_7045(h, "DPMAC", "DPM Agent Coordinator Service", DPMAC_PATH)))
            if kind == "347t":
                h.evtx_inject.append((ta - s(6), scm_7009(h)))
                h.evtx_inject.append((ta - s(5), scm_7000(h)))
            if kind == "ok":
                h.evtx_inject.append((ta + s(60), svc_7045(h, "DPMRA", "DPM Replication Agent", DPMRA_PATH)))
                h.evtx_inject.append((ta + s(92), scm_7036(h, "DPM Replication Agent", "running")))
            first_fail = False
        if h.category == "down319" and h.evtx:
            for (ta, kind) in h.attempts:
                h.evtx_inject.append((ta - s(150), user32_1074(h)))
                h.evtx_inject.append((ta - s(140), eventlog(h, 6006)))
                h.evtx_inject.append((ta + s(170), eventlog(h, 6005)))
                h.evtx_inject.append((ta + s(171), uptime_6013(h, 11)))


# EVTX record descriptions (tests/support/evtx_writer.h, parse_evtx_description).
SCM = ("  provider Service Control Manager\n  provider_guid {555908d1-a6d7-4695-8e1e-26931d2012f4}\n"
       "  event_source_name Service Control Manager\n")


def rec(h, body, event_id, level, pid=680, tid=None, qualifiers=16384, keywords="0x8080000000000000"):
    return ("%s  event_id %d\n  qualifiers %d\n  level %d\n  keywords %s\n  process_id %d\n  thread_id %d\n"
            % (body, event_id, qualifiers, level, keywords, pid, tid if tid is not None else pid * 7 % 9000 + 100))


def svc_7045(h, name, display, path):
    return (rec(h, SCM, 7045, 4) + "  user_sid S-1-5-18\n  data ServiceName string %s\n  data ImagePath string \"%s\"\n"
            "  data ServiceType string user mode service\n  data StartType string auto start\n"
            "  data AccountName string LocalSystem\n" % (name, path.replace("\\", "\\\\")))


def scm_7036(h, service, state):
    return rec(h, SCM, 7036, 4) + "  data param1 string %s\n  data param2 string %s\n" % (service, state)


def scm_7009(h):
    return (rec(h, SCM, 7009, 2, qualifiers=49152) + "  data param1 string 30000\n"
            "  data param2 string DPM Agent Coordinator Service\n")


def scm_7000(h):
    return (rec(h, SCM, 7000, 2, qualifiers=49152) + "  data param1 string DPM Agent Coordinator Service\n"
            "  data param2 string %%1053\n")


def dcom_10009(h):
    return ("  provider Microsoft-Windows-DistributedCOM\n  provider_guid {1b562e86-b7aa-4131-badc-b6f3a001407e}\n"
            "  event_source_name DCOM\n" + rec(h, "", 10009, 2, pid=1104, qualifiers=0) +
            "  data param1 string %s\n  data param2 string 4508\n  data param3 string %s\n"
            % (h.fqdn, MSDPM_PATH.replace("\\", "\\\\")))


def user32_1074(h):
    return ("  provider User32\n  provider_guid {b0aa8734-56f7-41cc-b2f4-de228e98b946}\n  event_source_name User32\n"
            + rec(h, "", 1074, 4, pid=1320, qualifiers=32768) +
            "  user_sid S-1-5-21-1004336348-1177238915-682003330-1104\n"
            "  data param1 string C:\\\\Windows\\\\system32\\\\shutdown.exe (%s)\n  data param2 string %s\n"
            "  data param3 string Operating System: Upgrade (Planned)\n  data param4 string 0x80020003\n"
            "  data param5 string restart\n  data param6 string Monthly patch window\n"
            "  data param7 string CONTOSO\\\\svc-patch\n" % (h.short.upper(), h.short.upper()))


def eventlog(h, event_id):
    return ("  provider EventLog\n  event_source_name EventLog\n" + rec(h, "", event_id, 4, pid=0, tid=0, qualifiers=32768))


def uptime_6013(h, seconds):
    return ("  provider EventLog\n  event_source_name EventLog\n" + rec(h, "", 6013, 4, pid=0, tid=0, qualifiers=32768)
            + "  data param1 string \n  data param2 string \n  data param3 string \n  data param4 string 60\n"
              "  data param5 string %d\n  data param6 string 300 Eastern Daylight Time\n" % seconds)


# Background System-log noise (none of the event ids any rule reads).
BG_SERVICES = ["Windows Modules Installer", "WinHTTP Web Proxy Auto-Discovery Service", "Windows Update",
               "Background Intelligent Transfer Service", "Software Protection", "Device Setup Manager",
               "Windows Error Reporting Service", "Microsoft Store Install Service", "Update Orchestrator Service",
               "Network Setup Service", "Windows Defender Antivirus Network Inspection Service"]


def bg_system_record(h, rng):
    x = rng.random()
    if x < 0.72:
        return scm_7036(h, rng.choice(BG_SERVICES), rng.choice(["running", "stopped"]))
    if x < 0.78:
        return (rec(h, SCM, 7040, 4) + "  data param1 string Background Intelligent Transfer Service\n"
                "  data param2 string auto start\n  data param3 string demand start\n  data param4 string BITS\n")
    if x < 0.90:
        return ("  provider Microsoft-Windows-DistributedCOM\n  provider_guid {1b562e86-b7aa-4131-badc-b6f3a001407e}\n"
                "  event_source_name DCOM\n" + rec(h, "", 10016, 3, pid=1104, qualifiers=0) +
                "  data param1 string application-specific\n  data param2 string Local\n  data param3 string Activation\n"
                "  data param4 string {D63B10C5-BB46-4990-A94F-E40B9D520160}\n"
                "  data param5 string {9CA88EE3-ACB7-47C8-AFC4-AB702511C276}\n  data param6 string NT AUTHORITY\n"
                "  data param7 string SYSTEM\n  data param8 string S-1-5-18\n  data param9 string LocalHost (Using LRPC)\n"
                "  data param10 string Unavailable\n  data param11 string Unavailable\n")
    if x < 0.96:
        return ("  provider Microsoft-Windows-DNS-Client\n  provider_guid {1c95126e-7eea-49a9-a3fe-a378b03ddb4d}\n"
                + rec(h, "", 1014, 3, pid=1236, qualifiers=0, keywords="0x4000000000000000") +
                "  data QueryName string wpad.%s\n  data AddressLength uint32 128\n" % DOMAIN)
    return ("  provider Microsoft-Windows-Time-Service\n  provider_guid {06edcfeb-0fd0-4e53-acca-a6f8bbf81bcb}\n"
            + rec(h, "", 37, 4, pid=1180, qualifiers=0) +
            "  data TimeSource string DC01.%s (ntp.d|10.0.0.10:123->%s:123)\n" % (DOMAIN, DCS[0]))


# ---------------------------------------------------------------- text files

def systeminfo(h):
    os_name, os_ver, _ = OSES[h.os_key]
    boot = SPAN_START - dt.timedelta(days=3 + h.index % 11, hours=h.index % 7)
    local_boot = boot + dt.timedelta(hours=h.zone[1])
    b = "%d/%d/%d, %d:%02d:%02d %s" % (local_boot.month, local_boot.day, local_boot.year,
                                       (local_boot.hour % 12) or 12, local_boot.minute, local_boot.second,
                                       "AM" if local_boot.hour < 12 else "PM")
    nic = "vmxnet3 Ethernet Adapter" if h.role != "dpm" else "Broadcom NetXtreme Gigabit Ethernet"
    lines = [
        "", "Host Name:                 %s" % h.short.upper(),
        "OS Name:                   %s" % os_name,
        "OS Version:                %s" % os_ver,
        "OS Manufacturer:           Microsoft Corporation",
        "OS Configuration:          Member Server",
        "OS Build Type:             Multiprocessor Free",
        "Registered Owner:          Contoso IT",
        "Registered Organization:   Contoso",
        "Product ID:                00%03d-70000-00000-AA%03d" % (h.index * 7 % 1000, h.index),
        "Original Install Date:     6/14/2019, 9:12:44 AM",
        "System Boot Time:          %s" % b,
        "System Manufacturer:       %s" % ("Dell Inc." if h.role == "dpm" else "VMware, Inc."),
        "System Model:              %s" % ("PowerEdge R640" if h.role == "dpm" else "VMware Virtual Platform"),
        "System Type:               x64-based PC",
        "Processor(s):              1 Processor(s) Installed.",
        "                           [01]: Intel64 Family 6 Model 85 Stepping 7 GenuineIntel ~2394 Mhz",
        "BIOS Version:              Phoenix Technologies LTD 6.00, 12/12/2018",
        "Windows Directory:         C:\\Windows",
        "System Directory:          C:\\Windows\\system32",
        "Boot Device:               \\Device\\HarddiskVolume1",
        "System Locale:             en-us;English (United States)",
        "Input Locale:              en-us;English (United States)",
        "Time Zone:                 %s" % h.zone[0],
        "Total Physical Memory:     16,383 MB",
        "Available Physical Memory: 9,870 MB",
        "Virtual Memory: Max Size:  18,431 MB",
        "Virtual Memory: Available: 11,012 MB",
        "Virtual Memory: In Use:    7,419 MB",
        "Page File Location(s):     C:\\pagefile.sys",
        "Domain:                    %s" % DOMAIN,
        "Logon Server:              \\\\DC01",
        "Hotfix(s):                 2 Hotfix(s) Installed.",
        "                           [01]: KB5034439",
        "                           [02]: KB5035857",
        "Network Card(s):           1 NIC(s) Installed.",
        "                           [01]: %s" % nic,
        "                                 Connection Name: Ethernet0",
        "                                 DHCP Enabled:    No",
        "                                 IP address(es)",
        "                                 [01]: %s" % h.ip,
        "                                 [02]: fe80::%x:%x:%x:%x" % (0x5d00 + h.index, 0x1b7e, 0x9a01, 0x3c00 + h.index),
        "Hyper-V Requirements:      A hypervisor has been detected. Features required for Hyper-V will not be displayed.",
        "",
    ]
    return "\r\n".join(lines)


def ipconfig(h):
    subnet = ".".join(h.ip.split(".")[:3])
    lines = [
        "", "Windows IP Configuration", "",
        "   Host Name . . . . . . . . . . . . : %s" % h.short.upper(),
        "   Primary Dns Suffix  . . . . . . . : %s" % DOMAIN,
        "   Node Type . . . . . . . . . . . . : Hybrid",
        "   IP Routing Enabled. . . . . . . . : No",
        "   WINS Proxy Enabled. . . . . . . . : No",
        "   DNS Suffix Search List. . . . . . : %s" % DOMAIN, "",
        "Ethernet adapter Ethernet0:", "",
        "   Connection-specific DNS Suffix  . :",
        "   Description . . . . . . . . . . . : vmxnet3 Ethernet Adapter",
        "   Physical Address. . . . . . . . . : %s-%02X-%02X-%02X" % (h.mac, 0x10, h.index % 256, 0x44),
        "   DHCP Enabled. . . . . . . . . . . : No",
        "   Autoconfiguration Enabled . . . . : Yes",
        "   Link-local IPv6 Address . . . . . : fe80::%x:%x:%x:%x%%12(Preferred)"
        % (0x5d00 + h.index, 0x1b7e, 0x9a01, 0x3c00 + h.index),
        "   IPv4 Address. . . . . . . . . . . : %s(Preferred)" % h.ip,
        "   Subnet Mask . . . . . . . . . . . : 255.255.255.0",
        "   Default Gateway . . . . . . . . . : %s.1" % subnet,
        "   DNS Servers . . . . . . . . . . . : %s" % DCS[0],
        "                                       %s" % DCS[1],
        "   NetBIOS over Tcpip. . . . . . . . : Enabled", "",
    ]
    return "\r\n".join(lines)


def allprofiles(h):
    out = [""]
    for prof in ("Domain", "Private", "Public"):
        domain = prof == "Domain"
        out += ["%s Profile Settings: " % prof, "-" * 70,
                "State                                 ON",
                "Firewall Policy                       BlockInbound,AllowOutbound",
                "LocalFirewallRules                    N/A (GPO-store only)",
                "LocalConSecRules                      N/A (GPO-store only)",
                "InboundUserNotification               %s" % ("Disable" if domain else "Enable"),
                "RemoteManagement                      Disable",
                "UnicastResponseToMulticast            Enable", "",
                "Logging:",
                "LogAllowedConnections                 %s" % ("Enable" if domain else "Disable"),
                "LogDroppedConnections                 %s" % ("Enable" if domain and h.log_dropped else "Disable"),
                "FileName                              %systemroot%\\system32\\LogFiles\\Firewall\\pfirewall.log",
                "MaxFileSize                           32767", "", ""]
    out += ["Ok.", ""]
    return "\r\n".join(out)


def fw_rule(name, desc, enabled, direction, profiles, grouping, protocol, lport, program, service=None, action="Allow",
            rport="Any", remote_ip="Any"):
    lines = ["Rule Name:                            %s" % name, "-" * 70,
             "Description:                          %s" % desc,
             "Enabled:                              %s" % enabled,
             "Direction:                            %s" % direction,
             "Profiles:                             %s" % profiles,
             "Grouping:                             %s" % grouping,
             "LocalIP:                              Any",
             "RemoteIP:                             %s" % remote_ip,
             "Protocol:                             %s" % protocol]
    if protocol in ("TCP", "UDP"):
        lines += ["LocalPort:                            %s" % lport, "RemotePort:                           %s" % rport]
    lines += ["Edge traversal:                       No", "Program:                              %s" % program]
    if service:
        lines.append("Service:                              %s" % service)
    lines += ["InterfaceTypes:                       Any", "Security:                             NotRequired",
              "Rule source:                          Local Setting", "Action:                               %s" % action, ""]
    return lines


STD_RULES = [
    ("File and Printer Sharing (SMB-In)", "Inbound rule for File and Printer Sharing to allow Server Message Block "
     "transmission and reception via Named Pipes. [TCP 445]", "Yes", "In", "Domain", "File and Printer Sharing", "TCP",
     "445", "System", None),
    ("File and Printer Sharing (NB-Session-In)", "Inbound rule for File and Printer Sharing to allow NetBIOS Session "
     "Service connections. [TCP 139]", "Yes", "In", "Domain", "File and Printer Sharing", "TCP", "139", "System", None),
    ("File and Printer Sharing (Echo Request - ICMPv4-In)", "Echo Request messages are sent as ping requests to other "
     "nodes.", "Yes", "In", "Domain", "File and Printer Sharing", "ICMPv4", "", "Any", None),
    ("Remote Service Management (RPC-EPMAP)", "Inbound rule for the RPCSS service to allow RPC/TCP traffic for the "
     "local Service Control Manager.", "Yes", "In", "Domain", "Remote Service Management", "TCP", "RPC-EPMap",
     "%SystemRoot%\\system32\\svchost.exe", "RPCSS"),
    ("Remote Service Management (RPC)", "Inbound rule for the local Service Control Manager to be remotely managed "
     "via RPC/TCP.", "Yes", "In", "Domain", "Remote Service Management", "TCP", "RPC",
     "%SystemRoot%\\system32\\services.exe", "Any"),
    ("Remote Desktop - User Mode (TCP-In)", "Inbound rule for the Remote Desktop service to allow RDP traffic. "
     "[TCP 3389]", "Yes", "In", "Domain", "Remote Desktop", "TCP", "3389", "%SystemRoot%\\system32\\svchost.exe",
     "termservice"),
    ("Windows Remote Management (HTTP-In)", "Inbound rule for Windows Remote Management via WS-Management. "
     "[TCP 5985]", "Yes", "In", "Domain", "Windows Remote Management", "TCP", "5985", "System", None),
    ("Windows Management Instrumentation (DCOM-In)", "Inbound rule to allow DCOM traffic for remote Windows "
     "Management Instrumentation. [TCP 135]", "Yes", "In", "Domain", "Windows Management Instrumentation (WMI)",
     "TCP", "135", "%SystemRoot%\\system32\\svchost.exe", "rpcss"),
    ("Windows Management Instrumentation (WMI-In)", "Inbound rule to allow WMI traffic for remote Windows Management "
     "Instrumentation. [TCP]", "Yes", "In", "Domain", "Windows Management Instrumentation (WMI)", "TCP", "Any",
     "%SystemRoot%\\system32\\svchost.exe", "winmgmt"),
    ("COM+ Network Access (DCOM-In)", "Inbound rule to allow DCOM traffic to the COM+ System Application. [TCP 135]",
     "No", "In", "Any", "COM+ Network Access", "TCP", "135", "%SystemRoot%\\system32\\dllhost.exe", None),
    ("Core Networking - Dynamic Host Configuration Protocol (DHCP-In)", "Allows DHCP (Dynamic Host Configuration "
     "Protocol) messages for stateful auto-configuration.", "Yes", "In", "Domain,Private,Public", "Core Networking",
     "UDP", "68", "%SystemRoot%\\system32\\svchost.exe", "dhcp"),
    ("Core Networking - Destination Unreachable (ICMPv6-In)", "Destination Unreachable error messages are sent from "
     "any node that a packet traverses which is unable to forward the packet for any reason except congestion.",
     "Yes", "In", "Domain,Private,Public", "Core Networking", "ICMPv6", "", "System", None),
    ("Core Networking - DNS (UDP-Out)", "Outbound rule to allow DNS requests.", "Yes", "Out", "Domain,Private,Public",
     "Core Networking", "UDP", "Any", "%SystemRoot%\\system32\\svchost.exe", "dnscache"),
    ("Network Discovery (LLMNR-UDP-In)", "Inbound rule for Network Discovery to allow Link Local Multicast Name "
     "Resolution. [UDP 5355]", "No", "In", "Domain", "Network Discovery", "UDP", "5355",
     "%SystemRoot%\\system32\\svchost.exe", "dnscache"),
    ("Network Discovery (SSDP-In)", "Inbound rule for Network Discovery to allow use of the Simple Service Discovery "
     "Protocol. [UDP 1900]", "No", "In", "Domain", "Network Discovery", "UDP", "1900",
     "%SystemRoot%\\system32\\svchost.exe", "Ssdpsrv"),
    ("Remote Event Log Management (RPC)", "Inbound rule for the local Event Log service to be remotely managed via "
     "RPC/TCP.", "No", "In", "Domain", "Remote Event Log Management", "TCP", "RPC",
     "%SystemRoot%\\system32\\svchost.exe", "Eventlog"),
    ("Remote Scheduled Tasks Management (RPC)", "Inbound rule for the Task Scheduler service to be remotely managed "
     "via RPC/TCP.", "No", "In", "Domain", "Remote Scheduled Tasks Management", "TCP", "RPC",
     "%SystemRoot%\\system32\\svchost.exe", "schedule"),
]
ROLE_RULES = {
    "sql": [("SQL Server (TCP-In)", "SQL Server default instance. [TCP 1433]", "Yes", "In", "Domain", "", "TCP", "1433",
             "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe", None)],
    "web": [("World Wide Web Services (HTTP Traffic-In)", "An inbound rule to allow HTTP traffic for Internet "
             "Information Services (IIS) [TCP 80]", "Yes", "In", "Any", "World Wide Web Services (HTTP)", "TCP", "80",
             "System", None),
            ("World Wide Web Services (HTTPS Traffic-In)", "An inbound rule to allow HTTPS traffic for Internet "
             "Information Services (IIS) [TCP 443]", "Yes", "In", "Any", "Secure World Wide Web Services (HTTPS)",
             "TCP", "443", "System", None)],
    "hv": [("Hyper-V Management Clients - WMI (TCP-In)", "Inbound rule for Hyper-V Management Clients to allow remote "
            "management via WMI. [TCP]", "Yes", "In", "Any", "Hyper-V Management Clients", "TCP", "Any",
            "%SystemRoot%\\system32\\svchost.exe", "winmgmt")],
    "dpm": [("Microsoft System Center Data Protection Manager", "DPM server", "Yes", "In", "Any", "", "Any", "",
             MSDPM_PATH, None)],
}


def firewall_rules(h):
    out = [""]
    for r in STD_RULES + ROLE_RULES.get(h.role, []) + ROLE_RULES["web"][:1] * (h.role == "app"):
        out += fw_rule(*r)
    if h.dpmac_rule:
        out += fw_rule("DPM Agent Coordinator", "Allows DCOM activation of the DPM Agent Coordinator service used to "
                       "install, upgrade and remove protection agents.", "Yes" if h.dpmac_rule == "enabled" else "No",
                       "In", "Domain", "", "TCP", "RPC", DPMAC_PATH)
    if h.dpmra_rules:
        out += fw_rule("DPMRA_DCOM_135", "DPM protection agent: RPC endpoint mapper (DCOM).", "Yes", "In", "Domain", "",
                       "TCP", "135", "%SystemRoot%\\system32\\svchost.exe", "RPCSS")
        out += fw_rule("DPMRA", "DPM protection agent", "Yes", "In", "Domain", "", "Any", "", DPMRA_PATH)
    out += ["Ok.", ""]
    return "\r\n".join(out)


def console_errors(targets):
    blocks = []
    for h in targets:
        fails = [k for _, k in h.attempts if k != "ok"]
        if not fails or h.category in ("down319",):
            continue
        # The admin copied the first failure and the last one (as in the KB 2981833 sample).
        pick = [fails[0]] + ([fails[-1]] if len(fails) > 1 else [])
        for k in pick:
            eid = 319 if k == "319" else 347
            text, details, hr = {"347": E347_TOO_LATE, "347t": E347_TIMEOUT, "319": E319}[k]
            lines = ["Install protection agent on %s failed:" % h.fqdn, "Error %d: %s" % (eid, text.format(t=h.fqdn))]
            if eid == 319:
                lines += ["Error details: %s (%s)" % (details, hr), "Recommended action:",
                          "1) Verify that %s is remotely accessible from the DPM server." % h.fqdn,
                          "2) If a firewall is enabled on %s, make sure that it is not blocking requests from the DPM "
                          "server." % h.fqdn, "3) Retry the operation."]
            else:
                lines += ["Error details: %s%s" % (details, " (%s)" % hr if k == "347t" else ""),
                          "Recommended action: Verify that the Agent Coordinator service on %s is responding, if it is "
                          "present. Review the error details, take the appropriate action, and then retry the agent "
                          "operation." % h.fqdn]
            blocks.append("\r\n".join(lines))
    return "\r\n\r\n".join(blocks) + "\r\n", len(blocks)


def msi_log(h, t_utc):
    """A verbose MSI log of a successful agent installation (local time, en-US)."""
    lt = t_utc + dt.timedelta(hours=h.zone[1])
    sec = [0.0]

    def stamp():
        x = lt + dt.timedelta(seconds=sec[0])
        return "%02d:%02d:%02d:%03d" % (x.hour, x.minute, x.second, x.microsecond // 1000)

    def hms(extra=0.0):
        x = lt + dt.timedelta(seconds=sec[0] + extra)
        return "%02d:%02d:%02d" % (x.hour, x.minute, x.second)

    date = "%d/%d/%d" % (lt.month, lt.day, lt.year)
    lines = ["=== Verbose logging started: %s  %s  Build type: SHIP UNICODE 5.00.10011.00  Calling process: %s ==="
             % (date, hms(), DPMAC_PATH)]

    def msi(ctx, pt, text, dtsec=0.02):
        sec[0] += dtsec
        lines.append("MSI (%s) (%s) [%s]: %s" % (ctx, pt, stamp(), text))

    msi("c", "A4:C8", "Resetting cached policy values")
    msi("c", "A4:C8", "Machine policy value 'Debug' is 0")
    msi("c", "A4:C8", "******* RunEngine:")
    lines += ["           ******* Product: C:\\Windows\\Microsoft Data Protection Manager\\DPM\\ProtectionAgents\\RA\\"
              "%s\\amd64\\1033\\DPMRA.msi" % AGENT_VERSION, "           ******* Action: ",
              "           ******* CommandLine: **********"]
    msi("c", "A4:C8", "Client-side and UI is none or basic: Running entire install on the server.")
    msi("c", "A4:C8", "Grabbed execution mutex.")
    msi("s", "74:A8", "Grabbed execution mutex.", 0.05)
    msi("s", "74:A8", "Resetting cached policy values")
    for action, secs in [("INSTALL", 0.2), ("LaunchConditions", 0.1), ("CostInitialize", 0.1), ("FileCost", 0.1),
                         ("CostFinalize", 0.2), ("InstallValidate", 0.3), ("InstallInitialize", 0.5),
                         ("InstallFiles", 3.2), ("WriteRegistryValues", 0.4), ("InstallServices", 0.6),
                         ("StartServices", 1.1), ("InstallFinalize", 2.5)]:
        msi("s", "74:A8", "Doing action: %s" % action, 0.05)
        lines.append("Action start %s: %s." % (hms(), action))
        if action == "InstallFiles":
            lines.append("Action %s: InstallFiles. Copying new files" % hms())
        if action == "InstallServices":
            msi("s", "74:B0", "Executing op: ServiceInstall(Name=DPMRA,DisplayName=DPM Protection Agent,ImagePath=\"%s\","
                "ServiceType=16,StartType=2,ErrorControl=1)" % DPMRA_PATH, 0.1)
        sec[0] += secs
        if action != "INSTALL":
            lines.append("Action ended %s: %s. Return value 1." % (hms(), action))
    lines.append("Action ended %s: INSTALL. Return value 1." % hms())
    lines += ["Property(S): ProductName = Microsoft System Center DPM Protection Agent",
              "Property(S): ProductVersion = %s" % AGENT_VERSION, "Property(S): Manufacturer = Microsoft Corporation",
              "Property(S): Date = %s" % date, "Property(S): Time = %s" % hms()]
    msi("s", "74:A8", "Product: Microsoft System Center DPM Protection Agent -- Installation completed successfully.")
    msi("s", "74:A8", "Windows Installer installed the product. Product Name: Microsoft System Center DPM Protection "
        "Agent. Product Version: %s. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success "
        "or error status: 0." % AGENT_VERSION, 0.0)
    msi("s", "74:A8", "MainEngineThread is returning 0", 0.016)
    msi("c", "A4:C8", "MainEngineThread is returning 0", 0.015)
    lines.append("=== Logging stopped: %s  %s ===" % (date, hms()))
    return "\r\n".join(lines) + "\r\n"


def msi_events(text):
    """Rows pushmortem stores for an MSI log: every line but the banners, Property lines and blank ones."""
    return sum(1 for ln in text.split("\r\n") if ln and not ln.startswith(("===", "Property(")))


# ---------------------------------------------------------------- errlog

ERR_NATIVE = [
    ("jobmanager.cpp", "Job {job} state changed from {s1} to {s2}, task count {n}"),
    ("fsmbase.cpp", "Fsm {guid} received event {n} in state {n2}"),
    ("taskexecutor.cpp", "Task {guid} completed\tstatus=Succeeded\telapsed={n} ms"),
    ("sqlhelper.cpp", "Executing stored procedure prc_RM_ReplicaDataset_GetStatus with {n} parameters"),
    ("replicamanager.cpp", "Replica of {ds} on {host} is consistent, last synchronization {hm}"),
    ("rpcclient.cpp", "RPC binding to {host} on port 5718 established"),
    ("pmserver.cpp", "Heartbeat from DPMRA on {host}: version 10.19.58.0, status OK"),
    ("volumemanager.cpp", "Shadow copy {guid} created for the replica volume of {ds}"),
]
ERR_MANAGED = [
    ("ProtectionGroup.cs", "Protection group PG-{pg} consistency check scheduled at {hm}"),
    ("ConnectionManager.cs", "Connected to DPMDB on instance MSDPM2019 in {n} ms"),
    ("SchedulerHelper.cs", "Next run of job {job} at {hm}"),
    ("AlertManager.cs", "Alert {guid} resolved automatically"),
]
ERR_FAIL = [
    "Failed: Hr: = [0x80070005] Access is denied",
    "Replica of {ds} on {host} is inconsistent (ID 3106 Details: The replica is not consistent)",
    "Recovery point creation for {ds} on {host} failed, retrying (0x8007045D)",
    "Error 30111: The VSS application writer or the VSS provider is in a bad state on {host}.",
]
DATASOURCES = ["D:\\", "E:\\", "System Protection", "SQL\\MSSQLSERVER\\Finance", "Hyper-V\\VM01", "F:\\Shares"]


def guid(rng):
    h = "%032X" % rng.getrandbits(128)
    return "-".join([h[:8], h[8:12], h[12:16], h[16:20], h[20:]])


def push_errlog_lines(targets, rng):
    """(utc, level, source, message) for every attempt; only failure lines carry an error id."""
    out = []
    job = 4100
    for h in targets:
        for (ta, kind) in h.attempts:
            job += rng.randint(1, 9)
            s = lambda x: ta + dt.timedelta(seconds=x)
            out.append((s(-50), "NORMAL", "AgentOperationJob.cs", "InstallAgent job %d started for 1 server(s), "
                        "agent version %s" % (job, AGENT_VERSION)))
            out.append((s(-47), "NORMAL", "agentmanager.cpp", "Copying the agent installer to \\\\%s\\ADMIN$\\"
                        "Microsoft Data Protection Manager" % h.fqdn))
            out.append((s(-39), "NORMAL", "agentmanager.cpp", "Creating the DPM Agent Coordinator service on %s" % h.fqdn))
            if kind == "ok":
                out.append((s(-20), "NORMAL", "dcomhelper.cpp", "Connected to the Agent Coordinator on %s" % h.fqdn))
                out.append((s(100), "NORMAL", "AgentOperationJob.cs", "Agent operation Install on %s completed "
                            "successfully" % h.fqdn))
                continue
            eid = 319 if kind == "319" else 347
            text, details, hr = {"347": E347_TOO_LATE, "347t": E347_TIMEOUT, "319": E319}[kind]
            out.append((s(-1), "WARNING", "dcomhelper.cpp", "CoCreateInstanceEx for the Agent Coordinator on %s "
                        "failed (%s)" % (h.fqdn, hr)))
            out.append((s(0), "ERROR", "agentmanager.cpp", "Install protection agent on %s failed: Error %d: %s "
                        "Error details: %s (%s)" % (h.fqdn, eid, text.format(t=h.fqdn), details.rstrip("."), hr)))
    out.sort(key=lambda x: x[0])
    return out


def write_errlog(path, n_bg, targets, protected, rng):
    push = push_errlog_lines(targets, rng)
    task_guids = [guid(rng) for _ in range(40)]
    names = [h.fqdn for h in protected] or [h.fqdn for h in targets]
    lines = 0
    out = open(path, "wb")
    out.write(b"\xff\xfe")
    buf = []
    pi = 0
    states = ["Queued", "Running", "Succeeded", "Waiting"]

    def emit(t, level, src, msg, binary):
        pid, tag, obj = binary
        tid = "%04X" % rng.choice([0x0B40, 0x0B44, 0x0C80, 0x0C84, 0x1A30, 0x0E10])
        g = rng.choice(task_guids) if rng.random() < 0.4 else ""
        buf.append("\t".join([pid, tid, t.strftime("%m/%d"), t.strftime("%H:%M:%S.") + "%03d" % (t.microsecond // 1000),
                              tag, "%s(%d)" % (src, rng.randrange(40, 2400)), obj, g, level, msg]))

    native = ("0A1C", "09", "[%016X]" % 0x2C4E2A0)
    managed = ("1F08", "0b", "")
    gap = SPAN_SECONDS / max(1, n_bg)
    t_sec = 0.0
    for i in range(n_bg):
        t_sec += rng.expovariate(1.0 / gap) if i else rng.uniform(0, gap)
        t = SPAN_START + dt.timedelta(seconds=min(t_sec, SPAN_SECONDS - 1))
        while pi < len(push) and push[pi][0] <= t:
            pt, level, src, msg = push[pi]
            emit(pt, level, src, msg, managed if src.endswith(".cs") else native)
            lines += 1
            pi += 1
        r = rng.random()
        if r < 0.62:
            src, msg = rng.choice(ERR_NATIVE)
            binary = native
        else:
            src, msg = rng.choice(ERR_MANAGED)
            binary = managed
        lv = rng.random()
        level = "NORMAL" if lv < 0.93 else "WARNING" if lv < 0.98 else "ERROR"
        if level != "NORMAL" and rng.random() < 0.5:
            msg = rng.choice(ERR_FAIL)
        msg = msg.format(job=rng.randrange(1, 9999), n=rng.randrange(1, 5000), n2=rng.randrange(1, 40),
                         s1=rng.choice(states), s2=rng.choice(states), guid=guid(rng), host=rng.choice(names),
                         ds=rng.choice(DATASOURCES), pg=rng.randrange(1, 12), hm=t.strftime("%H:%M"))
        emit(t, level, src, msg, binary)
        lines += 1
        if len(buf) >= 4096:
            out.write(("\r\n".join(buf) + "\r\n").encode("utf-16-le"))
            buf = []
    while pi < len(push):
        pt, level, src, msg = push[pi]
        emit(pt, level, src, msg, managed if src.endswith(".cs") else native)
        lines += 1
        pi += 1
    if buf:
        out.write(("\r\n".join(buf) + "\r\n").encode("utf-16-le"))
    out.close()
    return lines


# ---------------------------------------------------------------- pfirewall

FW_HEADER17 = ("#Version: 1.5\r\n#Software: Microsoft Windows Firewall\r\n#Time Format: Local\r\n#Fields: date time action "
               "protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path\r\n\r\n")
FW_HEADER18 = FW_HEADER17.replace("info path\r\n", "info path pid\r\n")
INET = ["13.107.4.50", "20.42.65.92", "20.190.151.7", "40.126.31.73", "52.109.12.19", "52.184.217.56",
        "23.62.99.27", "142.250.72.99", "104.18.32.68", "151.101.2.217", "93.184.216.34", "72.21.91.29"]


def make_flows(h, hosts, rng):
    """Weighted row builders for one host: functions of (rng, eph) returning the line after the time."""
    me = h.ip
    subnet = ".".join(me.split(".")[:3])
    peers = [x.ip for x in hosts if x.ip not in (me, SERVER_IP)]
    clients = ["10.0.%d.%d" % (rng.randint(100, 140), rng.randint(10, 250)) for _ in range(120)]
    wsus = next((x.ip for x in hosts if x.short == "wsus01"), "10.0.1.50")
    pid = {k: 4 * rng.randint(150, 2000) for k in ["dns", "lsass", "svc", "rpcss", "termsvc", "winrm", "sql", "w3wp",
                                                   "wu", "mde", "dpm"]}
    p17 = h.os_key in ("2008r2", "2012r2")
    flows = []
    ri = rng.randint

    def add(weight, fn):
        flows.append((weight, fn))

    def row(action, proto, src, dst, sp, dp, path, p, size=0, icmp="- -"):
        if proto == "TCP":
            body = "%s TCP %s %s %s %s 0 - 0 0 0 - - - %s" % (action, src, dst, sp, dp, path)
        elif proto == "ICMP":
            body = "%s ICMP %s %s - - %d - - - - %s - %s" % (action, src, dst, size, icmp, path)
        else:
            body = "%s %s %s %s %s %s %d - - - - - - - %s" % (action, proto, src, dst, sp, dp, size, path)
        return body if p17 else body + " " + str(p)

    # Outbound infrastructure traffic (every host).
    add(18, lambda r, e: row("ALLOW", "UDP", me, r.choice(DCS), e(), 53, "SEND", pid["dns"]))
    add(7, lambda r, e: row("ALLOW", "TCP", me, r.choice(DCS), e(), 389, "SEND", pid["lsass"]))
    add(3, lambda r, e: row("ALLOW", "UDP", me, r.choice(DCS), e(), 389, "SEND", pid["lsass"]))
    add(4, lambda r, e: row("ALLOW", "TCP", me, r.choice(DCS), e(), 88, "SEND", pid["lsass"]))
    add(3, lambda r, e: row("ALLOW", "TCP", me, r.choice(DCS), e(), 445, "SEND", 4))
    add(1, lambda r, e: row("ALLOW", "UDP", me, DCS[0], 123, 123, "SEND", pid["svc"]))
    add(2, lambda r, e: row("ALLOW", "TCP", me, r.choice(DCS), e(), 135, "SEND", pid["svc"]))
    add(5, lambda r, e: row("ALLOW", "TCP", me, r.choice(INET), e(), 443, "SEND", r.choice([pid["wu"], pid["mde"]])))
    add(1, lambda r, e: row("ALLOW", "TCP", me, r.choice(INET), e(), 80, "SEND", pid["svc"]))
    add(2, lambda r, e: row("ALLOW", "TCP", me, wsus, e(), 8530, "SEND", pid["wu"]))
    add(3, lambda r, e: row("ALLOW", "TCP", me, r.choice(peers), e(), r.choice([445, 135, 5985]), "SEND", 4))
    add(1, lambda r, e: row("ALLOW", "ICMP", me, subnet + ".1", "-", "-", "SEND", 4, icmp="8 0"))
    # Inbound management traffic.
    add(2, lambda r, e: row("ALLOW", "TCP", r.choice(JUMP), me, e(), 3389, "RECEIVE", pid["termsvc"]))
    add(3, lambda r, e: row("ALLOW", "TCP", MGMT, me, e(), 5985, "RECEIVE", 4))
    add(2, lambda r, e: row("ALLOW", "TCP", MGMT, me, e(), 135, "RECEIVE", pid["rpcss"]))
    add(1, lambda r, e: row("ALLOW", "ICMP", MGMT, me, "-", "-", "RECEIVE", 4, icmp="8 0"))
    # The role's inbound service traffic.
    for port, w in ROLE_PORTS.get(h.role, ROLE_PORTS["app"]):
        p = {1433: pid["sql"], 443: pid["w3wp"], 80: pid["w3wp"], 8080: pid["w3wp"], 3389: pid["termsvc"],
             5718: pid["dpm"], 5719: pid["dpm"]}.get(port, 4)
        add(w * 0.8, lambda r, e, port=port, p=p: row("ALLOW", "TCP", r.choice(clients) if r.random() < 0.85
                                                     else r.choice(peers), me, e(), port, "RECEIVE", p))
    if h.log_dropped:
        bcast = subnet + ".255"
        add(14, lambda r, e: row("DROP", "UDP", r.choice(peers[:8] or [MGMT]), bcast, 137, 137, "RECEIVE", 0,
                                 size=78))
        add(6, lambda r, e: row("DROP", "UDP", r.choice(peers[:8] or [MGMT]), bcast, 138, 138, "RECEIVE", 0,
                                size=r.choice([229, 240, 201])))
        add(9, lambda r, e: row("DROP", "UDP", r.choice(clients[:20]), "224.0.0.252", e(), 5355, "RECEIVE", 0,
                                size=r.choice([52, 60, 64])))
        add(5, lambda r, e: row("DROP", "UDP", r.choice(clients[:20]), "239.255.255.250", e(), 1900, "RECEIVE", 0,
                                size=r.choice([174, 153, 129])))
        add(2, lambda r, e: row("DROP", "TCP", SCANNER, me, e(), r.choice([21, 23, 111, 8443, 9100, 5900, 1521]),
                                "RECEIVE", 0))
    return flows


def write_pfirewall(path, h, n_rows, hosts, seed):
    rng = random.Random("%d:%s:fw" % (seed, h.fqdn))
    flows = make_flows(h, hosts, rng)
    fns = [f for _, f in flows]
    cum = []
    acc = 0.0
    for w, _ in flows:
        acc += w
        cum.append(acc)
    offset = dt.timedelta(hours=h.zone[1])
    start_local = SPAN_START + offset
    day0 = start_local.replace(hour=0, minute=0, second=0)
    sod0 = start_local.hour * 3600 + start_local.minute * 60 + start_local.second
    day_cache = {}

    def stamp(sec):
        d, rem = divmod(sod0 + int(sec), 86400)
        ds = day_cache.get(d)
        if ds is None:
            ds = day_cache[d] = (day0 + dt.timedelta(days=d)).strftime("%Y-%m-%d")
        return "%s %02d:%02d:%02d" % (ds, rem // 3600, rem // 60 % 60, rem % 60)

    p17 = h.os_key in ("2008r2", "2012r2")  # no pid column: drop it from the injected rows
    inject = sorted(((utc_us(t) - utc_us(SPAN_START)) / 1e6, body.rsplit(" ", 1)[0] if p17 else body)
                    for t, body in h.fw_inject)
    ii = 0
    eph_state = [rng.randint(49152, 60000)]

    def eph():
        eph_state[0] += 1 + (eph_state[0] & 3)
        if eph_state[0] > 65535:
            eph_state[0] = 49152
        return eph_state[0]

    out = open(path, "w", newline="", encoding="ascii")
    out.write(FW_HEADER17 if h.os_key in ("2008r2", "2012r2") else FW_HEADER18)
    buf = []
    written = 0
    gap = 0.98 * SPAN_SECONDS / max(1, n_rows)
    now = rng.uniform(0, gap)
    bursts = [1] * 14 + [2, 2, 3, 4]
    picks = []
    while written < n_rows:
        if not picks:
            picks = rng.choices(fns, cum_weights=cum, k=8192)
        fn = picks.pop()
        n = rng.choice(bursts)
        now += rng.expovariate(1.0 / (gap * n)) if gap * n > 0 else 0
        if now >= SPAN_SECONDS:
            now = SPAN_SECONDS - 0.5  # rare: the gaps summed past the span's end; stay in order
        while ii < len(inject) and inject[ii][0] <= now:
            buf.append(stamp(inject[ii][0]) + " " + inject[ii][1])
            ii += 1
        ts = stamp(now)
        line = ts + " " + fn(rng, eph)
        for _ in range(min(n, n_rows - written)):
            buf.append(line)
            written += 1
        if len(buf) >= 65536:
            out.write("\r\n".join(buf) + "\r\n")
            buf.clear()
    while ii < len(inject):
        buf.append(stamp(inject[ii][0]) + " " + inject[ii][1])
        ii += 1
    if buf:
        out.write("\r\n".join(buf) + "\r\n")
    out.close()
    return written + len(inject)


# ---------------------------------------------------------------- EVTX

def write_evtx(path, h, n_bg, seed, make_evtx, tmpdir):
    rng = random.Random("%d:%s:evtx" % (seed, h.fqdn))
    items = [(t, text) for t, text in h.evtx_inject]
    gap = SPAN_SECONDS / max(1, n_bg)
    t_sec = rng.uniform(0, gap)
    for _ in range(n_bg):
        items.append((SPAN_START + dt.timedelta(seconds=min(t_sec, SPAN_SECONDS - 1)), bg_system_record(h, rng)))
        t_sec += rng.expovariate(1.0 / gap)
    items.sort(key=lambda x: x[0])
    parts = ["channel System", "computer %s" % h.fqdn, "layout nested", ""]
    for t, text in items:
        ts = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ" % (t.microsecond * 10 + rng.randrange(10))
        parts.append("record\n" + text + "  time %s\nend\n" % ts)
    desc = os.path.join(tmpdir, h.fqdn + ".evtx.txt")
    with open(desc, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    r = subprocess.run([make_evtx, desc, path], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("gen_case_bundle: %s failed for %s: %s%s" % (make_evtx, h.fqdn, r.stdout, r.stderr))
    os.unlink(desc)
    return len(items)


# ---------------------------------------------------------------- main

def find_make_evtx(explicit):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cands = [explicit] if explicit else [os.environ.get("PM_MAKE_EVTX", "")] + [
        os.path.join(root, d, "tests", "pm_make_evtx") for d in ("build-rel", "build")]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    sys.exit("gen_case_bundle: pm_make_evtx not found (tried %s); build it (cmake --build build --target "
             "pm_make_evtx) or pass --make-evtx" % ", ".join(c for c in cands if c))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n_events", type=int, help="events in total (approximately; at least 20000)")
    ap.add_argument("out_dir", help="bundle folder to write (replaced if it exists)")
    ap.add_argument("--hosts", type=int, default=50, help="hosts including the DPM server (default 50)")
    ap.add_argument("--seed", type=int, default=2981833)
    ap.add_argument("--manifest", help="write the expected push history and per-file counts as JSON here")
    ap.add_argument("--make-evtx", help="pm_make_evtx binary (default: $PM_MAKE_EVTX, build-rel/, build/)")
    a = ap.parse_args()
    if a.n_events < 20000:
        ap.error("N_EVENTS must be >= 20000")
    make_evtx = find_make_evtx(a.make_evtx)

    server, targets = build_layout(a.seed, a.hosts)
    hosts = [server] + targets
    inject_push_traffic(server, targets, random.Random("%d:push" % a.seed))

    # Fixed events, then the background budget.
    fixed_fw = sum(len(h.fw_inject) for h in hosts)
    fixed_evtx = sum(len(h.evtx_inject) for h in hosts if h.evtx)
    n_push_lines = len(push_errlog_lines(targets, random.Random(0)))
    msi = {h.fqdn: msi_log(h, [t for t, k in h.attempts if k == "ok"][-1]) for h in targets
           if any(k == "ok" for _, k in h.attempts)}
    msi_rows = {name: msi_events(text) for name, text in msi.items()}
    console_text, console_blocks = console_errors(targets)
    budget = a.n_events - fixed_fw - fixed_evtx - n_push_lines - sum(msi_rows.values()) - console_blocks
    errlog_bg = int(budget * 0.03)
    evtx_hosts = [h for h in hosts if h.evtx]
    evtx_bg = int(budget * 0.015)
    fw_bg = budget - errlog_bg - evtx_bg  # MSI and console events are few; see the summary

    if os.path.isdir(a.out_dir):
        shutil.rmtree(a.out_dir)
    os.makedirs(a.out_dir)
    tmpdir = a.out_dir + ".tmp"
    os.makedirs(tmpdir, exist_ok=True)
    files = {}
    wsum = sum(h.weight for h in hosts)
    fw_left = fw_bg
    for i, h in enumerate(hosts):
        d = os.path.join(a.out_dir, h.fqdn)
        os.makedirs(d)
        for name, text in (("systeminfo.txt", systeminfo(h)), ("ipconfig.txt", ipconfig(h)),
                           ("netsh_allprofiles.txt", allprofiles(h)), ("firewall_rules.txt", firewall_rules(h))):
            with open(os.path.join(d, name), "w", newline="", encoding="ascii") as f:
                f.write(text)
        n = fw_left if i == len(hosts) - 1 else int(fw_bg * h.weight / wsum)
        fw_left -= n
        files[h.fqdn + "/pfirewall.log"] = write_pfirewall(os.path.join(d, "pfirewall.log"), h, n, hosts, a.seed)
        if h.evtx:
            k = evtx_bg // len(evtx_hosts)
            files[h.fqdn + "/System.evtx"] = write_evtx(os.path.join(d, "System.evtx"), h, k, a.seed, make_evtx,
                                                         tmpdir)
        if h.fqdn in msi:
            with open(os.path.join(d, "MSDPMAgentInstall.LOG"), "w", newline="", encoding="ascii") as f:
                f.write(msi[h.fqdn])
            files[h.fqdn + "/MSDPMAgentInstall.LOG"] = msi_rows[h.fqdn]
    os.rmdir(tmpdir)
    sd = os.path.join(a.out_dir, server.fqdn)
    protected = [h for h in targets if h.category in ("idle", "ok")]
    files[server.fqdn + "/MSDPMCurr.errlog"] = write_errlog(os.path.join(sd, "MSDPMCurr.errlog"), errlog_bg, targets,
                                                            protected, random.Random("%d:errlog" % a.seed))
    with open(os.path.join(sd, "dpm01-console-errors.txt"), "w", newline="", encoding="ascii") as f:
        f.write(console_text)
    files[server.fqdn + "/dpm01-console-errors.txt"] = console_blocks
    for root, _, names in os.walk(a.out_dir):
        for name in names:
            os.utime(os.path.join(root, name), (FILE_MTIME, FILE_MTIME))

    # Expected push history: failed attempts per (target, error id) as the errlog records them.
    history = {}
    for h in targets:
        if h.attempts:
            history[h.fqdn] = {"category": h.category, "attempts": [
                {"time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "error_id": {"347": 347, "347t": 347, "319": 319}.get(k),
                 "result": "succeeded" if k == "ok" else "failed"} for t, k in h.attempts]}
    counted = sum(files.values())
    summary = {
        "n_events_requested": a.n_events, "seed": a.seed, "hosts": len(hosts),
        "server": {"fqdn": server.fqdn, "ip": server.ip},
        "events_written": counted, "files": files, "push_history": history,
        "categories": {c: sorted(h.fqdn for h in targets if h.category == c) for c, _ in CATEGORIES},
        "evtx_hosts": [h.fqdn for h in evtx_hosts],
        "log_dropped_hosts": sorted(h.fqdn for h in hosts if h.log_dropped),
    }
    if a.manifest:
        with open(a.manifest, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
    by_kind = {}
    for name, v in files.items():
        k = name.split("/")[-1]
        by_kind[k] = by_kind.get(k, 0) + v
    print("bundle %s: %d hosts, %d events written: %s" % (
        a.out_dir, len(hosts), counted, ", ".join("%s %d" % kv for kv in sorted(by_kind.items()))))
    print("push attempts: %d failed, %d succeeded, on %d targets" % (
        sum(1 for h in targets for _, k in h.attempts if k != "ok"),
        sum(1 for h in targets for _, k in h.attempts if k == "ok"), len(history)))


if __name__ == "__main__":
    main()
