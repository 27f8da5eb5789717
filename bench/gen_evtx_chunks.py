#!/usr/bin/env python3
"""Write an EVTX file of about MB MiB made of real chunks, for benchmarks.

Reads the 64 KiB chunks ("ElfChnk") of the EVTX files listed in SOURCES (one
path per line), and writes them, repeated in order from chunk ROTATE on,
behind a fresh file header (chunk count, CRC) as TARGET. Different --rotate
values give files with different bytes from the same sources. Python 3
standard library only.

Usage: gen_evtx_chunks.py SOURCES TARGET MB [--rotate K]
"""

import argparse
import os
import struct
import sys
import zlib


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sources", help="text file: one EVTX path per line")
    ap.add_argument("target")
    ap.add_argument("mb", type=int)
    ap.add_argument("--rotate", type=int, default=0, help="start with the K-th chunk (default 0)")
    args = ap.parse_args()

    chunks = []
    for name in open(args.sources, encoding="utf-8").read().splitlines():
        data = open(name, "rb").read()
        for off in range(4096, len(data) - 65535, 65536):
            c = data[off:off + 65536]
            if c[:8] == b"ElfChnk\0":
                chunks.append(c)
    if not chunks:
        sys.exit("gen_evtx_chunks: no chunks in the sources")
    count = args.mb * 1048576 // 65536
    header = bytearray(4096)
    header[0:8] = b"ElfFile\0"
    struct.pack_into("<QQQIHHHH", header, 8, 0, count - 1, 1, 128, 1, 3, 4096, count & 0xFFFF)
    struct.pack_into("<I", header, 120, 0)
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    with open(args.target + ".tmp", "wb") as f:
        f.write(header)
        for i in range(count):
            f.write(chunks[(i + args.rotate) % len(chunks)])
    os.replace(args.target + ".tmp", args.target)


if __name__ == "__main__":
    main()
