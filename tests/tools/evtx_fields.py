#!/usr/bin/python3
"""Prints the records of an EVTX file as read by python-evtx or evtxexport,
one line per record, for the EVTX writer's differential test.

usage: evtx_fields.py pyevtx|evtxexport FILE [evtxexport options...]

Each line is tab-separated key=value pairs (backslash, tab and newline are
escaped as \\\\, \\t, \\n). Keys: System element and attribute paths
(Provider@Name, EventID, EventID@Qualifiers, TimeCreated@SystemTime, ...),
EventData/NAME (EventData/#N for unnamed Data, N counting from 0) and
UserData/ROOT/CHILD. Values are as the tool wrote them; empty values are
left out, so a null substitution (dropped by evtxexport, empty in
python-evtx) reads the same from both. Exit status 2: tool or module missing.
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"


def local(tag):
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def escape(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def fields(event_xml):
    root = ET.fromstring(event_xml)
    out = []

    def add(key, value):
        if value is not None and value != "":
            out.append((key, value))

    system = root.find(NS + "System")
    if system is not None:
        for el in system:
            name = local(el.tag)
            for attr, value in el.attrib.items():
                add(name + "@" + attr, value)
            add(name, el.text)
    data = root.find(NS + "EventData")
    if data is not None:
        unnamed = 0
        for el in data:
            name = el.get("Name")
            if name is None:
                name = "#" + str(unnamed)
                unnamed += 1
            add("EventData/" + name, el.text)
    user = root.find(NS + "UserData")
    if user is not None:
        for top in user:
            for el in top:
                add("UserData/" + local(top.tag) + "/" + local(el.tag), el.text)
    return "\t".join(k + "=" + escape(v) for k, v in out)


def pyevtx(path):
    try:
        from Evtx.Evtx import Evtx
    except ImportError:
        sys.exit(2)
    with Evtx(path) as log:
        for record in log.records():
            print(fields(record.xml()))


def evtxexport(path, options):
    try:
        run = subprocess.run(["evtxexport", "-f", "xml"] + options + [path], capture_output=True, text=True,
                             errors="replace")
    except FileNotFoundError:
        sys.exit(2)
    for match in re.finditer(r"<Event[ >].*?</Event>", run.stdout, re.S):
        print(fields(match.group(0)))
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        sys.exit(1)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("pyevtx", "evtxexport"):
        sys.stderr.write(__doc__)
        sys.exit(64)
    if sys.argv[1] == "pyevtx":
        pyevtx(sys.argv[2])
    else:
        evtxexport(sys.argv[2], sys.argv[3:])


if __name__ == "__main__":
    main()
