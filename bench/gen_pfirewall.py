#!/usr/bin/env python3
"""Generate a realistic Windows 10/11 / Server 2022 pfirewall.log for benchmarks.

Writes the four W3C header lines and a blank line, then N data rows in the
18-column layout (with pid), CRLF line ends, as Windows writes the file.
Deterministic for a given --seed. Python 3 standard library only.

The traffic mix is modelled on ../shared/corpus/firewall/pfirewall-win10-2021.log
(a real Windows 10 log: 16,809 rows in 39 minutes):
  - DROP ~69.5%: all inbound UDP (RECEIVE), size > 0: mDNS to 224.0.0.251 and
    ff02::fb port 5353, SSDP to 239.255.255.250:1900, a little unicast UDP;
    drops often come in bursts of identical lines.
  - ALLOW ~30.4%: UDP 72% (DNS 53, mDNS, SSDP, WS-Discovery 3702, LDAP 389,
    QUIC 443, DHCPv6 547, NetBIOS 137/138, Spotify 57621), TCP 27% (443, WinRM
    5985, TR-064 49000, LDAP 389, RPC 135, RDP 3389, Kerberos 88, GC 3268, 80,
    SMB 445, ...), ICMP 1% (mostly ICMPv6 neighbour discovery / MLD), IGMP
    (protocol 2) 0.6%. SEND 74%, RECEIVE 26%. size 0; TCP rows "0 - 0 0 0".
  - ~42% of rows carry IPv6 addresses (link-local, multicast, global, ULA).
  - INFO-EVENTS-LOST about once every 8,400 rows, its time a few seconds
    earlier than the rows around it (as in the real file); info = lost count.
  - Local times increase monotonically at ~7 rows/s on average, in bursts.
  - pid: the owning process for ALLOW (svchost instances, lsass, browsers,
    System = 4); 0 for inbound drops; '-' on INFO-EVENTS-LOST.

Usage: gen_pfirewall.py [-n ROWS] [-o FILE] [--seed N] [--start "YYYY-MM-DD HH:MM:SS"]
"""

import argparse
import bisect
import datetime as dt
import random
import sys

HEADER = [
    "#Version: 1.5",
    "#Software: Microsoft Windows Firewall",
    "#Time Format: Local",
    "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack "
    "tcpwin icmptype icmpcode info path pid",
    "",
]

# Inbound drop sizes seen in the corpus, (size, weight).
MDNS4_SIZES = [(225, 573), (73, 570), (417, 515), (403, 459), (83, 340), (170, 324), (402, 286),
               (388, 252), (436, 229), (81, 224), (90, 223), (67, 142)]
MDNS6_SIZES = [(93, 1786), (129, 357), (138, 352), (102, 227), (87, 195), (80, 128), (74, 117),
               (101, 117), (110, 111), (83, 62), (177, 48), (88, 36)]
SSDP_SIZES = [(174, 439), (153, 366), (129, 227), (201, 160), (151, 95), (196, 74), (157, 72),
              (152, 71), (165, 42), (402, 37), (348, 37), (404, 35)]

# Public address blocks that real Windows clients talk to (Microsoft, Akamai,
# Google, Cloudflare, AWS, Fastly); hosts inside are random.
V4_BLOCKS = ["13.107", "20.42", "20.190", "40.77", "40.126", "52.109", "52.114", "52.247", "52.184",
             "138.91", "168.62", "23.62", "23.200", "142.250", "172.217", "104.16", "104.18",
             "54.230", "151.101"]
V6_BLOCKS = ["2603:1026", "2620:1ec", "2a01:111", "2a00:1450:4001", "2606:4700", "2a04:4e42"]


def weighted(rng, table):
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    return lambda: rng.choices(values, weights)[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--rows", type=int, default=1_000_000, help="data rows after the header (default 1000000)")
    ap.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    ap.add_argument("--seed", type=int, default=20210622)
    ap.add_argument("--start", default="2023-03-06 08:00:00", help="local time of the first row")
    args = ap.parse_args()
    if args.rows < 0:
        ap.error("--rows must be >= 0")

    rng = random.Random(args.seed)
    r = rng.random
    ri = rng.randint

    def hx():
        return "%x" % ri(0, 0xFFFF)

    def pid():
        return str(4 * ri(100, 4000))

    def eui64_tail():
        return "%x:%xff:fe%02x:%x" % (ri(0, 0xFFFF), ri(0, 0xFF), ri(0, 0xFF), ri(0, 0xFFFF))

    def random_tail():
        return "%s:%s:%s:%s" % (hx(), hx(), hx(), hx())

    # ---- this host and its LAN (a home / small-office router network + corporate VPN)
    lan = "192.168.%d" % rng.choice([0, 1, 2, 10, 178, 188])
    router4 = lan + ".1"
    me4 = "%s.%d" % (lan, ri(20, 120))
    me_ll = "fe80::" + random_tail()
    gua_prefix = "2a02:%x:%x:%x" % (ri(0x100, 0x8fff), ri(0, 0xFFFF), ri(0, 0xFFFF) & 0xFF00)
    me_gua = [gua_prefix + ":" + random_tail() for _ in range(2)]  # stable + temporary (SLAAC)
    router_ula = "fd00::" + eui64_tail()
    vpn4 = "100.64.%d.%d" % (ri(0, 255), ri(2, 254))
    vpn6 = "2a01:110:%x:%x::%x" % (ri(0, 0xFF), ri(0, 0xFF), ri(1, 0xFFF))
    hyperv4 = "172.%d.%d.1" % (ri(16, 31), ri(0, 255) & 0xF0)
    corp_dns4 = "10.%d.%d.%d" % (ri(0, 255), ri(0, 255), ri(1, 254))
    corp_dns6 = "2001:4898::%x:%x" % (ri(0, 0xFFFF), ri(0, 0xFFFF))
    jump_hosts = ["10.%d.%d.%d" % (ri(0, 255), ri(0, 255), ri(1, 254)) for _ in range(2)]
    corp_dc = ["2a01:110:%x:%x:fe::%x" % (ri(0, 0xFFFF), ri(0, 0xF), ri(1, 0x30)) for _ in range(4)]
    corp_winrm = ["2a01:110:%x:ff10:%s" % (ri(0, 0xFFFF), eui64_tail()) for _ in range(3)]
    devices = []  # (ipv4, link-local ipv6 or None) of phones, TVs, printers, speakers, NAS
    used = {me4, router4}
    for _ in range(ri(18, 30)):
        a = "%s.%d" % (lan, ri(2, 250))
        if a in used:
            continue
        used.add(a)
        devices.append((a, ("fe80::" + rng.choice([eui64_tail, random_tail])()) if r() < 0.6 else None))
    devices_v6 = [d[1] for d in devices if d[1]] or [me_ll]
    noisy = devices[: max(3, len(devices) // 4)]  # a few chatty devices make most of the noise
    noisy_v6 = devices_v6[: max(2, len(devices_v6) // 3)]

    def lan_dev4():
        return rng.choice(noisy)[0] if r() < 0.7 else rng.choice(devices)[0]

    def lan_dev6():
        return rng.choice(noisy_v6) if r() < 0.7 else rng.choice(devices_v6)

    inet4 = ["%s.%d.%d" % (rng.choice(V4_BLOCKS), ri(0, 255), ri(1, 254)) for _ in range(300)]
    inet6 = ["%s:%x:%x::%x" % (rng.choice(V6_BLOCKS), ri(0, 0xFFFF), ri(0, 0xFFFF), ri(1, 0xFFFF)) for _ in range(150)]

    def popular(pool):  # a few destinations get most connections
        return pool[int(len(pool) * (r() ** 3))]

    def eph():
        return str(ri(49152, 65535))

    pids = {
        "dnscache": pid(), "ssdp": pid(), "fdphost": pid(), "lsass": str(4 * ri(150, 260)),
        "rpcss": pid(), "termsvc": pid(), "browser": [pid() for _ in range(4)], "pwsh": pid(),
        "spotify": pid(), "upnp": pid(), "dhcp": pid(),
    }

    mdns4_size = weighted(rng, MDNS4_SIZES)
    mdns6_size = weighted(rng, MDNS6_SIZES)
    ssdp_size = weighted(rng, SSDP_SIZES)

    def udp(action, src, dst, sport, dport, size, path, p):
        return "%s UDP %s %s %s %s %d - - - - - - - %s %s" % (action, src, dst, sport, dport, size, path, p)

    def tcp(src, dst, sport, dport, path, p):
        return "ALLOW TCP %s %s %s %s 0 - 0 0 0 - - - %s %s" % (src, dst, sport, dport, path, p)

    # ---- row kinds: (weight in rows per 16,809, burst sizes, builder)
    def drop_mdns4():
        return udp("DROP", lan_dev4(), "224.0.0.251", 5353, 5353, mdns4_size(), "RECEIVE", 0)

    def drop_mdns6():
        return udp("DROP", lan_dev6(), "ff02::fb", 5353, 5353, mdns6_size(), "RECEIVE", 0)

    def drop_ssdp():
        sport = 1900 if r() < 0.28 else eph() if r() < 0.5 else ri(32768, 60999)
        return udp("DROP", lan_dev4(), "239.255.255.250", sport, 1900, ssdp_size(), "RECEIVE", 0)

    def drop_unicast():  # SSDP replies and other unsolicited unicast UDP
        return udp("DROP", lan_dev4(), me4, 1900, eph(), ri(280, 340), "RECEIVE", 0)

    def allow_dns():
        x = r()
        if x < 0.62:
            src, dst = me_gua[0] if r() < 0.5 else me_gua[1], router_ula
        elif x < 0.80:
            src, dst = vpn6, corp_dns6
        elif x < 0.93:
            src, dst = me4, router4
        else:
            src, dst = vpn4, corp_dns4
        return udp("ALLOW", src, dst, eph(), 53, 0, "SEND", pids["dnscache"])

    def allow_mdns_in():
        if r() < 0.5:
            return udp("ALLOW", lan_dev4(), "224.0.0.251", 5353, 5353, 0, "RECEIVE", pids["dnscache"])
        return udp("ALLOW", lan_dev6(), "ff02::fb", 5353, 5353, 0, "RECEIVE", pids["dnscache"])

    def allow_mdns_out():
        if r() < 0.5:
            return udp("ALLOW", rng.choice([me4, hyperv4]), "224.0.0.251", 5353, 5353, 0, "SEND", pids["dnscache"])
        return udp("ALLOW", me_ll, "ff02::fb", 5353, 5353, 0, "SEND", pids["dnscache"])

    def allow_ssdp():
        if r() < 0.84:
            return udp("ALLOW", rng.choice([me4, hyperv4, "127.0.0.1"]), "239.255.255.250", eph(), 1900, 0, "SEND",
                       pids["ssdp"])
        return udp("ALLOW", lan_dev4(), "239.255.255.250", eph(), 1900, 0, "RECEIVE", pids["ssdp"])

    def allow_wsd():
        path = "RECEIVE" if r() < 0.63 else "SEND"
        if r() < 0.5:
            src = lan_dev4() if path == "RECEIVE" else me4
            return udp("ALLOW", src, "239.255.255.250", eph(), 3702, 0, path, pids["fdphost"])
        src = lan_dev6() if path == "RECEIVE" else me_ll
        return udp("ALLOW", src, "ff02::c", eph(), 3702, 0, path, pids["fdphost"])

    def allow_udp_misc():
        x = r()
        if x < 0.47:
            return udp("ALLOW", me4, lan + ".255", 57621, 57621, 0, "SEND", pids["spotify"])
        if x < 0.80:
            return udp("ALLOW", vpn6, rng.choice(corp_dc), eph(), 389, 0, "SEND", pids["lsass"])
        if x < 0.91:
            return udp("ALLOW", me4, popular(inet4), eph(), 443, 0, "SEND", rng.choice(pids["browser"]))
        if x < 0.97:
            return udp("ALLOW", me_ll, "ff02::1:2", 546, 547, 0, "SEND", pids["dhcp"])
        port = rng.choice([137, 138])
        return udp("ALLOW", lan_dev4(), lan + ".255", port, port, 0, "RECEIVE", 4)

    def allow_https():
        b = rng.choice(pids["browser"])
        if r() < 0.55:
            return tcp(rng.choice([me4, me4, vpn4]), popular(inet4), eph(), 443, "SEND", b)
        return tcp(rng.choice(me_gua + [vpn6]), popular(inet6), eph(), 443, "SEND", b)

    def allow_tcp_misc():
        x = r()
        if x < 0.31:
            return tcp(vpn6, rng.choice(corp_winrm), eph(), 5985, "SEND", pids["pwsh"])
        if x < 0.56:
            return tcp(me4, router4, eph(), 49000, "SEND", pids["upnp"])
        if x < 0.79:
            return tcp(vpn6, rng.choice(corp_dc), eph(), 389, "SEND", pids["lsass"])
        if x < 0.83:
            return tcp(lan_dev4(), me4, eph(), 135, "RECEIVE", pids["rpcss"])
        if x < 0.87:
            return tcp(rng.choice(jump_hosts), vpn4, eph(), 3389, "RECEIVE", pids["termsvc"])
        if x < 0.91:
            return tcp(vpn6, rng.choice(corp_dc), eph(), rng.choice([88, 88, 3268]), "SEND", pids["lsass"])
        if x < 0.95:
            return tcp(me4, router4, eph(), 53, "SEND", pids["dnscache"])
        if x < 0.97:
            return tcp(me4, popular(inet4), eph(), 80, "SEND", rng.choice(pids["browser"]))
        if x < 0.985:
            return tcp(lan_dev4(), me4, eph(), 2869, "RECEIVE", pids["ssdp"])
        return tcp(me4, lan_dev4(), eph(), 445, "SEND", 4)

    def allow_icmp():
        x = r()
        if x < 0.06:
            return "ALLOW ICMP %s %s - - 0 - - - - 8 0 - SEND 4" % (me4, router4)
        t = rng.choice([133, 134, 135, 135, 136, 136, 143, 143])
        if t == 143:
            return "ALLOW ICMP %s ff02::16 - - 0 - - - - 143 0 - SEND 4" % me_ll
        if t == 134:
            return "ALLOW ICMP %s ff02::1 - - 0 - - - - 134 0 - RECEIVE 4" % ("fe80::" + router_ula[6:])
        if t == 135 and r() < 0.5:  # duplicate address detection from ::
            return "ALLOW ICMP :: ff02::1:ff%s - - 0 - - - - 135 0 - SEND 4" % ("%02x:%04x" % (ri(0, 255), ri(0, 0xFFFF)))
        src, path = (me_ll, "SEND") if r() < 0.5 else (lan_dev6(), "RECEIVE")
        dst = "ff02::1" if t in (133, 136) else me_ll if path == "RECEIVE" else lan_dev6()
        return "ALLOW ICMP %s %s - - 0 - - - - %d 0 - %s 4" % (src, dst, t, path)

    def allow_igmp():
        if r() < 0.5:
            return "ALLOW 2 %s 224.0.0.1 - - 0 - - - - - - - RECEIVE 4" % router4
        return "ALLOW 2 %s 224.0.0.22 - - 0 - - - - - - - SEND 4" % me4

    drop_bursts = ([1] * 46 + [2] * 20 + [3] * 2 + [4] * 3 + [6] * 3 + [5] * 1, None)
    allow_bursts = ([1] * 90 + [3] * 3 + [4] * 4 + [5] * 3, None)
    kinds = [
        (5400, drop_bursts, drop_mdns4), (3787, drop_bursts, drop_mdns6), (2393, drop_bursts, drop_ssdp),
        (108, drop_bursts, drop_unicast),
        (1358, allow_bursts, allow_dns), (1113, allow_bursts, allow_mdns_in), (722, allow_bursts, allow_mdns_out),
        (237, allow_bursts, allow_ssdp), (104, allow_bursts, allow_wsd), (133, allow_bursts, allow_udp_misc),
        (734, allow_bursts, allow_https), (626, allow_bursts, allow_tcp_misc), (49, allow_bursts, allow_icmp),
        (32, allow_bursts, allow_igmp),
    ]
    # Convert row weights to event weights (a burst writes several rows).
    builders, event_weights, burst_lists = [], [], []
    for rows, (bursts, _), fn in kinds:
        mean = sum(bursts) / len(bursts)
        builders.append(fn)
        event_weights.append(rows / mean)
        burst_lists.append(bursts)
    cum = []
    total = 0.0
    for w in event_weights:
        total += w
        cum.append(total)

    t = dt.datetime.strptime(args.start, "%Y-%m-%d %H:%M:%S")
    now = 0.0  # seconds since start, float
    rate = 16809 / (39 * 60)  # rows per second in the corpus
    day_cache = {}

    start_day = t.replace(hour=0, minute=0, second=0)
    start_sod = t.hour * 3600 + t.minute * 60 + t.second

    def stamp(sec):
        d, rem = divmod(start_sod + int(sec), 86400)
        ds = day_cache.get(d)
        if ds is None:
            ds = day_cache[d] = (start_day + dt.timedelta(days=d)).strftime("%Y-%m-%d")
        return "%s %02d:%02d:%02d" % (ds, rem // 3600, rem // 60 % 60, rem % 60)

    out = sys.stdout if args.output == "-" else open(args.output, "w", newline="", encoding="ascii")
    eol = "\r\n"
    try:
        out.write(eol.join(HEADER) + eol)
        buf = []
        written = 0
        next_lost = int(rng.expovariate(1 / 8400))
        while written < args.rows:
            if written >= next_lost:
                lost_at = max(0.0, now - ri(2, 10))
                buf.append("%s INFO-EVENTS-LOST - - - - - - - - - - - - %d - -" % (stamp(lost_at), ri(1, 40)))
                written += 1
                next_lost = written + 1 + int(rng.expovariate(1 / 8400))
                continue
            k = bisect.bisect_right(cum, r() * total)
            if k >= len(builders):
                k = len(builders) - 1
            n = rng.choice(burst_lists[k])
            # Inter-arrival: exponential with the corpus rate per row, in bursts.
            now += rng.expovariate(rate / n)
            ts = stamp(now)
            line = builders[k]()
            for _ in range(min(n, args.rows - written)):
                buf.append(ts + " " + line)
                written += 1
            if len(buf) >= 65536:
                out.write(eol.join(buf) + eol)
                buf.clear()
        if buf:
            out.write(eol.join(buf) + eol)
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
