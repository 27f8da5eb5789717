#!/usr/bin/python3
"""Reference reader for the EVTX differential test (tests/parsers/evtx/evtx_differential_test.cpp).

Usage: evtx_reference.py python|evtxexport FILE.evtx

Reads FILE.evtx with python-evtx (Debian python3-evtx, module Evtx) or with
/usr/bin/evtxexport (libevtx-utils, `-f xml -m all`: allocated and recovered
records) and prints one line per record it could read:

    RECORD_ID <TAB> EVENT_ID <TAB> TIME <TAB> name=value <TAB> name=value ...

TIME is TimeCreated as written by the tool, normalized to
"YYYY-MM-DDTHH:MM:SS[.fraction]" (UTC). The pairs are the EventData <Data>
elements (an unnamed one is named "Data[*]"; <Binary> is "Binary") or the
UserData leaf elements (local name), in document order, with every run of
whitespace in a value collapsed to one space and the value trimmed, and
control characters other than whitespace dropped. Tabs and
newlines therefore never occur inside a field. Nothing else is normalized
here: value formats differ between the tools (python-evtx writes binary as
base64, SizeT in decimal, booleans as True/False, hex numbers zero-padded) and
the C++ test compares them with documented equivalences. One exception: a
string array, which python-evtx writes as "<string>a</string><string>b</string>"
inside one element, becomes one pair per item, as the other tools write it.

evtxexport writes some recovered records with broken XML after <System> (its
EventData template was overwritten). Such a record is salvaged: RECORD_ID,
EVENT_ID and TIME are taken from the text and the pairs are replaced by the
single field "#partial" (the values are unknown, only the record is).

The last line is "# records=N failed=M" (M: records the tool listed but that
could not be read at all). Exit code 0 unless the tool could not run at all.
"""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

EVENT_NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"


def local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def norm(text):
    return " ".join((text or "").split())


def element_text(el):
    return "".join(el.itertext())


def normalize_time(t):
    t = (t or "").strip().replace(" ", "T")
    if t.endswith("Z"):
        t = t[:-1]
    return t


_STRING_ARRAY = re.compile(r"^\s*(?:<string>.*?</string>\s*)+$", re.S)


def data_values(text):
    """python-evtx writes a string array as "<string>a</string><string>b</string>"
    inside one element; the other tools repeat the element per item."""
    if _STRING_ARRAY.match(text):
        return [norm(v) for v in re.findall(r"<string>(.*?)</string>", text, re.S)]
    return [norm(text)]


def pairs_of(event):
    out = []
    for child in event:
        name = local(child.tag)
        if name == "EventData":
            for d in child:
                dn = local(d.tag)
                if dn == "Data":
                    n = d.get("Name")
                    for v in data_values(element_text(d)):
                        out.append(((n if n is not None else "Data[*]"), v))
                elif dn == "Binary":
                    out.append(("Binary", norm(element_text(d))))
        elif name == "UserData":
            def walk(el):
                kids = list(el)
                if not kids:
                    out.append((local(el.tag), norm(element_text(el))))
                for k in kids:
                    walk(k)
            for top in child:
                for k in top:
                    walk(k)
    return out


def line_of(event):
    system = None
    for child in event:
        if local(child.tag) == "System":
            system = child
    if system is None:
        return None
    rid = eid = tc = ""
    for s in system:
        n = local(s.tag)
        if n == "EventRecordID":
            rid = norm(s.text)
        elif n == "EventID":
            eid = norm(s.text)
        elif n == "TimeCreated":
            tc = normalize_time(s.get("SystemTime"))
    fields = [rid, eid, tc] + ["%s=%s" % (n, v) for n, v in pairs_of(event)]
    return "\t".join(f.replace("\t", " ") for f in fields)


# Characters that XML 1.0 forbids; both tools can write them verbatim.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BAD_REF = re.compile(r"&#x0*([0-8bcef]|1[0-9a-f]);|&#0*([0-8]|1[124-9]|2[0-9]|3[01]);", re.I)


def parse_event(xml_text):
    # Control characters are dropped (the tools differ in how they write them).
    xml_text = _BAD_XML.sub("", xml_text)
    xml_text = _BAD_REF.sub("", xml_text)
    return ET.fromstring(xml_text)


def run_python(path):
    import Evtx.Evtx as evtx
    records = failed = 0
    with evtx.Evtx(path) as log:
        for chunk in log.chunks():
            try:
                it = chunk.records()
                while True:
                    try:
                        record = next(it)
                    except StopIteration:
                        break
                    try:
                        line = line_of(parse_event(record.xml()))
                    except Exception:  # noqa: BLE001 - a record python-evtx cannot render
                        line = None
                    if line is None:
                        failed += 1
                        continue
                    records += 1
                    print(line)
            except Exception:  # noqa: BLE001 - a chunk python-evtx cannot walk
                continue
    return records, failed


def salvage(text):
    """RECORD_ID, EVENT_ID and TIME of an <Event> whose XML is broken after <System>."""
    rid = re.search(r"<EventRecordID>\s*(\d+)\s*</EventRecordID>", text)
    eid = re.search(r"<EventID[^>]*>\s*(\d+)\s*</EventID>", text)
    tc = re.search(r"<TimeCreated SystemTime=\"([^\"]*)\"", text)
    if not (rid and eid and tc):
        return None
    return "\t".join([rid.group(1), eid.group(1), normalize_time(tc.group(1)), "#partial"])


def run_evtxexport(path):
    proc = subprocess.run(["/usr/bin/evtxexport", "-f", "xml", "-m", "all", path],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    text = proc.stdout.decode("utf-8", errors="replace")
    records = failed = 0
    # An event ends where the next begins (broken ones have no </Event>).
    starts = [m.start() for m in re.finditer(r"<Event xmlns=", text)] + [len(text)]
    for begin, end in zip(starts, starts[1:]):
        chunk = text[begin:end]
        close = chunk.rfind("</Event>")
        try:
            line = line_of(parse_event(chunk[:close + len("</Event>")])) if close >= 0 else None
        except ET.ParseError:
            line = None
        if line is None:
            line = salvage(chunk)
        if line is None:
            failed += 1
            continue
        records += 1
        print(line)
    return records, failed


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("python", "evtxexport"):
        sys.stderr.write(__doc__)
        return 2
    tool, path = sys.argv[1], sys.argv[2]
    records, failed = run_python(path) if tool == "python" else run_evtxexport(path)
    print("# records=%d failed=%d" % (records, failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
