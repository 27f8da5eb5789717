#!/usr/bin/env python3
"""Generates docs/schema.md and docs/fields.md from the files they document.

  docs/schema.md  from db/schema.sql: the comment above each CREATE TABLE /
                  CREATE VIEW, the comment after each column, the rows of
                  the `formats` table.
  docs/fields.md  from rules/data/mapping.yml (the Sigma logsources and field
                  names rules can use), with each field's meaning taken from
                  the schema.sql comment of its column, or, for the tables the
                  rule engine derives, from the comment in
                  rules/derived_tables.h.

Usage (from anywhere; paths are relative to the repository root):
  python3 docs/gen_schema_md.py            rewrite docs/schema.md and docs/fields.md
  python3 docs/gen_schema_md.py --check    regenerate into a temporary folder and
                                           compare with the committed files
                                           (exit 1 and a diff when they differ)

Python 3 standard library only. The parsers accept only the shapes these
files use today and stop with file:line on anything else, so that a change
the generator does not understand fails the docs test instead of producing
wrong documentation.
"""

import argparse
import difflib
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = "db/schema.sql"
MAPPING = "rules/data/mapping.yml"
DERIVED = "rules/derived_tables.h"
OUTPUTS = ("docs/schema.md", "docs/fields.md")
# The case tables each derived table is built from (rules/derived_tables.cpp):
# a derived column the header comment lists without a meaning takes the
# comment of the same-named column there.
DERIVED_FROM = {"pm_push_attempts": ["push_errors", "events"], "pm_firewall_profiles": ["firewall_profiles"]}
REGENERATE = "python3 docs/gen_schema_md.py"


class GenError(Exception):
    pass


def fail(path, line, what):
    raise GenError("%s:%d: %s" % (path, line, what))


# --------------------------------------------------------------------------
# db/schema.sql


class Column:
    def __init__(self, name, decl, comment, line):
        self.name = name
        self.decl = decl  # the declaration after the name, e.g. "TEXT NOT NULL"
        self.comment = comment
        self.line = line

    @property
    def type(self):
        return self.decl.split()[0].upper() if self.decl else ""


class Relation:
    def __init__(self, kind, name, comment, line):
        self.kind = kind  # table or view
        self.name = name
        self.comment = comment
        self.line = line
        self.columns = []
        self.sql = ""  # views: the SELECT


def split_top(text, sep=","):
    """Splits at `sep` outside parentheses and quotes."""
    parts, depth, quote, cur = [], 0, None, []
    for ch in text:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def strip_sql_comment(line):
    """Splits a line into (code, comment) at the first `--` outside quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif line.startswith("--", i):
            return line[:i], line[i + 2:].strip()
    return line, None


def parse_schema(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        lines = f.read().split("\n")
    intro, relations, formats = [], [], None
    pending = []  # comment lines above the next statement
    i = 0
    in_intro = True
    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        if in_intro:
            if s.startswith("--"):
                intro.append(s[2:].strip())
                i += 1
                continue
            in_intro = False
        if not s:
            pending = []
            i += 1
            continue
        if s.startswith("--"):
            pending.append(s[2:].strip())
            i += 1
            continue
        m = re.match(r"CREATE TABLE IF NOT EXISTS (\w+) \($", s)
        if m:
            rel = Relation("table", m.group(1), " ".join(pending), i + 1)
            pending = []
            i += 1
            while True:
                if i >= len(lines):
                    fail(path, rel.line, "CREATE TABLE %s has no closing ');'" % rel.name)
                code, comment = strip_sql_comment(lines[i])
                code = code.strip()
                if code in (");", ")"):
                    i += 1
                    break
                if not code:
                    if comment is None:
                        fail(path, i + 1, "blank line inside CREATE TABLE %s" % rel.name)
                    if not rel.columns:
                        fail(path, i + 1, "comment before the first column of %s" % rel.name)
                    rel.columns[-1].comment = (rel.columns[-1].comment + " " + comment).strip()
                    i += 1
                    continue
                cm = re.match(r"(\w+)\s+(.*?)\s*,?$", code)
                if not cm or cm.group(1).upper() in ("PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"):
                    fail(path, i + 1, "cannot read this column of %s: %r" % (rel.name, code))
                rel.columns.append(Column(cm.group(1), cm.group(2).rstrip(","), comment or "", i + 1))
                if code.endswith(")") and not code.endswith("),") and code.count("(") < code.count(")"):
                    fail(path, i + 1, "column and closing parenthesis on one line in %s" % rel.name)
                i += 1
            relations.append(rel)
            continue
        m = re.match(r"CREATE VIEW IF NOT EXISTS (\w+) AS$", s)
        if m:
            rel = Relation("view", m.group(1), " ".join(pending), i + 1)
            pending = []
            body = []
            i += 1
            while True:
                if i >= len(lines):
                    fail(path, rel.line, "CREATE VIEW %s does not end with ';'" % rel.name)
                code, _ = strip_sql_comment(lines[i])
                body.append(code.rstrip())
                i += 1
                if code.rstrip().endswith(";"):
                    break
            rel.sql = "\n".join(body).rstrip().rstrip(";")
            relations.append(rel)
            continue
        if re.match(r"CREATE (UNIQUE )?INDEX IF NOT EXISTS ", s):
            pending = []
            while not lines[i].rstrip().endswith(";"):
                i += 1
            i += 1
            continue
        m = re.match(r"INSERT OR REPLACE INTO formats\(([\w, ]+)\) VALUES$", s)
        if m:
            cols = [c.strip() for c in m.group(1).split(",")]
            formats = (cols, [])
            pending = []
            i += 1
            while True:
                if i >= len(lines):
                    fail(path, i, "the formats rows do not end with ';'")
                row = lines[i].strip()
                i += 1
                last = row.endswith(";")
                row = row.rstrip(";").rstrip(",")
                if not (row.startswith("(") and row.endswith(")")):
                    fail(path, i, "cannot read this formats row: %r" % row)
                values = [sql_literal(v.strip(), path, i) for v in split_top(row[1:-1])]
                if len(values) != len(cols):
                    fail(path, i, "formats row has %d values for %d columns" % (len(values), len(cols)))
                formats[1].append(values)
                if last:
                    break
            continue
        fail(path, i + 1, "statement the generator does not know: %r" % s)
    if not relations:
        fail(path, 1, "no CREATE TABLE found")
    return intro, relations, formats


def sql_literal(v, path, line):
    if v.upper() == "NULL":
        return None
    if len(v) >= 2 and v[0] == v[-1] == "'":
        return v[1:-1].replace("''", "'")
    fail(path, line, "not a literal: %r" % v)


def view_branches(rel, path):
    """The SELECTs of a view (UNION ALL branches): [(items, aliases)]."""
    branches = re.split(r"\bUNION ALL\b", rel.sql)
    out = []
    for b in branches:
        m = re.match(r"\s*SELECT\s+(.*?)\s+FROM\s+(.*)$", b, re.S)
        if not m:
            fail(path, rel.line, "cannot read the SELECT of view %s" % rel.name)
        items = [" ".join(x.split()) for x in split_top(m.group(1))]
        aliases = {}
        sources = re.findall(r"(?:FROM|JOIN)\s+(\w+)(?:\s+(?!ON\b|USING\b|JOIN\b|LEFT\b|WHERE\b)(\w+))?",
                             "FROM " + m.group(2))
        if not sources:
            fail(path, rel.line, "view %s: cannot read the FROM clause" % rel.name)
        for t, a in sources:
            aliases[a or t] = t
        out.append((items, aliases, sources[0][0]))
    return out


def item_name_expr(item):
    m = re.match(r"(.*)\s+AS\s+(\w+)$", item, re.S | re.I)
    if m:
        return m.group(2), m.group(1).strip()
    m = re.match(r"(?:\w+\.)?(\w+)$", item)
    if m:
        return m.group(1), item
    return None, item


def view_columns(rel, tables, path):
    branches = view_branches(rel, path)
    names = []
    for item in branches[0][0]:
        name, _ = item_name_expr(item)
        if not name:
            fail(path, rel.line, "view %s: a column without a name: %r" % (rel.name, item))
        names.append(name)
    for items, _, _ in branches[1:]:
        if len(items) != len(names):
            fail(path, rel.line, "view %s: UNION branches differ in width" % rel.name)
    cols = []
    for k, name in enumerate(names):
        types, meanings = [], []
        for items, aliases, first_table in branches:
            _, expr = item_name_expr(items[k])
            t, meaning = describe_expr(expr, aliases, tables)
            if t and t not in types:
                types.append(t)
            meanings.append((first_table, meaning or "NULL"))
        if len(set(m for _, m in meanings)) == 1:
            text = meanings[0][1]
        else:
            text = "; ".join("from %s: %s" % m for m in meanings)
        cols.append(Column(name, "/".join(types), text, rel.line))
    return cols


def describe_expr(expr, aliases, tables):
    """(type, meaning) of a view column's expression in one branch."""
    m = re.match(r"(\w+)\.(\w+)$", expr)
    if m and m.group(1) in aliases:
        table = aliases[m.group(1)]
        col = find_column(tables, table, m.group(2))
        if col:
            text = "`%s.%s`" % (table, col.name)
            return col.type, text + (": " + col.comment if col.comment else "")
    if expr.upper() == "NULL":
        return None, None
    if re.match(r"'[^']*'$", expr):
        return "TEXT", "the text %s" % expr
    refs = []
    for a, c in re.findall(r"\b(\w+)\.(\w+)\b", expr):
        if a in aliases and find_column(tables, aliases[a], c):
            ref = "`%s.%s`" % (aliases[a], c)
            if ref not in refs:
                refs.append(ref)
    t = ""
    cast = re.match(r"CAST\(.* AS (\w+)\)$", expr, re.S | re.I)
    if cast:
        t = cast.group(1).upper()
    elif "strftime(" in expr or "printf(" in expr or "||" in expr:
        t = "TEXT"
    if refs:
        return t, "computed from " + ", ".join(refs)
    return t, "computed: `%s`" % expr


def find_column(tables, table, name):
    rel = tables.get(table)
    if not rel:
        return None
    for c in rel.columns:
        if c.name == name:
            return c
    return None


def md_cell(text):
    """Text for a Markdown table cell: pipes escaped; outside `code` spans also
    the characters Markdown would read as HTML or emphasis."""
    parts = (text or "").replace("\n", " ").split("`")
    for k in range(0, len(parts), 2):
        parts[k] = parts[k].replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")
    return "`".join(parts).replace("|", "\\|")


def render_schema(intro, relations, formats):
    tables = {r.name: r for r in relations if r.kind == "table"}
    out = []
    out.append("# The case database")
    out.append("")
    out.append("<!-- Generated from db/schema.sql by docs/gen_schema_md.py; do not edit. -->")
    out.append("<!-- Change the comments in db/schema.sql, then run: %s -->" % REGENERATE)
    out.append("")
    paragraph = []
    for line in intro:
        if line:
            paragraph.append(md_cell(line))
        elif paragraph:
            out.append(" ".join(paragraph))
            out.append("")
            paragraph = []
    if paragraph:
        out.append(" ".join(paragraph))
        out.append("")
    out.append("Query a case with `pushmortem query --case FILE \"SQL\"` (read-only). Column types are "
               "SQLite declarations; a column without a comment in the schema has an empty meaning.")
    out.append("")
    out.append("| name | kind | what |")
    out.append("|---|---|---|")
    for r in relations:
        out.append("| [`%s`](#%s) | %s | %s |" % (r.name, r.name, r.kind, md_cell(r.comment)))
    out.append("")
    for r in relations:
        out.append("## %s" % r.name)
        out.append("")
        out.append("%s %s. %s" % ("Table" if r.kind == "table" else "View", "`%s`" % r.name,
                                  md_cell(r.comment) or "(no comment in the schema)"))
        out.append("")
        cols = r.columns if r.kind == "table" else view_columns(r, tables, SCHEMA)
        out.append("| column | type | meaning |")
        out.append("|---|---|---|")
        for c in cols:
            out.append("| `%s` | %s | %s |" % (c.name, md_cell(c.decl), md_cell(c.comment)))
        out.append("")
        if r.name == "formats" and formats:
            cols_f, rows = formats
            out.append("Its rows, as the schema inserts them:")
            out.append("")
            out.append("| " + " | ".join(cols_f) + " |")
            out.append("|" + "---|" * len(cols_f))
            for row in rows:
                out.append("| " + " | ".join("`%s`" % v if v is not None and k < 2 else md_cell(v if v is not None else "NULL")
                                             for k, v in enumerate(row)) + " |")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------
# rules/data/mapping.yml: the YAML subset it uses (block mappings by
# indentation, plain and quoted scalars, flow maps {k: v}, flow lists [a, b],
# folded block scalars >-, comments).


def yaml_strip_comment(line):
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " {[,:"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip()
    return line.rstrip()


def yaml_scalar(text, path, line):
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] == "'":
        return t[1:-1].replace("''", "'")
    if len(t) >= 2 and t[0] == t[-1] == '"':
        if "\\" in t:
            fail(path, line, "escapes in double-quoted scalars are not supported here")
        return t[1:-1]
    if t.startswith(("{", "[", "&", "*", "!", "|", ">", "@", "`")):
        fail(path, line, "unexpected YAML here: %r" % t)
    return t


def yaml_flow(text, path, line):
    t = text.strip()
    if t.startswith("{"):
        if not t.endswith("}"):
            fail(path, line, "flow map does not end on this line")
        out = {}
        inner = t[1:-1].strip()
        if not inner:
            return out
        for part in split_top_yaml(inner):
            k, sep, v = part.partition(":")
            if not sep:
                fail(path, line, "flow map entry without ':': %r" % part)
            out[yaml_scalar(k, path, line)] = yaml_flow(v, path, line)
        return out
    if t.startswith("["):
        if not t.endswith("]"):
            fail(path, line, "flow list does not end on this line")
        inner = t[1:-1].strip()
        return [yaml_flow(p, path, line) for p in split_top_yaml(inner)] if inner else []
    return yaml_scalar(t, path, line)


def split_top_yaml(text):
    parts, depth, quote, cur = [], 0, None, []
    for ch in text:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def parse_yaml_subset(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        raw = f.read().split("\n")
    lines = []  # (line number, indent, text)
    k = 0
    while k < len(raw):
        text = yaml_strip_comment(raw[k])
        if text.strip():
            if "\t" in text[: len(text) - len(text.lstrip())]:
                fail(path, k + 1, "tab in indentation")
            lines.append((k + 1, len(text) - len(text.lstrip()), text.strip()))
            if text.strip().endswith((": >-", ": >", ": |", ": |-")):
                # A block scalar: every following line indented deeper belongs to it.
                own = len(text) - len(text.lstrip())
                body = []
                k += 1
                while k < len(raw):
                    r = raw[k]
                    if r.strip() and len(r) - len(r.lstrip()) <= own:
                        break
                    body.append(r.strip())
                    k += 1
                folded = " ".join(x for x in body if x) if ">" in text.strip().split(":")[-1] else "\n".join(body)
                lines[-1] = (lines[-1][0], own, text.strip().rsplit(":", 1)[0] + ": " + "\x00" + folded)
                continue
        k += 1

    pos = 0

    def block(indent):
        nonlocal pos
        out = {}
        while pos < len(lines):
            ln, ind, text = lines[pos]
            if ind < indent:
                break
            if ind > indent:
                fail(path, ln, "unexpected indentation")
            if text.startswith("- "):
                fail(path, ln, "block sequences are not supported here; use [a, b]")
            key, sep, rest = text.partition(":")
            if not sep:
                fail(path, ln, "expected 'key: value'")
            key = yaml_scalar(key, path, ln)
            if key in out:
                fail(path, ln, "duplicate key %r" % key)
            rest = rest.strip()
            pos += 1
            if rest.startswith("\x00"):
                out[key] = rest[1:]
            elif rest:
                out[key] = yaml_flow(rest, path, ln)
            else:
                if pos < len(lines) and lines[pos][1] > indent:
                    out[key] = block(lines[pos][1])
                else:
                    out[key] = None
        return out

    doc = block(0)
    if pos != len(lines):
        fail(path, lines[pos][0], "unexpected content")
    return doc


# --------------------------------------------------------------------------
# rules/derived_tables.h: the comment block that documents the derived tables.


def parse_derived_comments(path):
    """{table: {column: meaning}} from the header comment of derived_tables.h."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, table, entry = {}, None, None
    for n, line in enumerate(lines, 1):
        if not line.startswith("//"):
            if out:
                break
            continue
        body = line[2:]
        m = re.match(r" (pm_\w+): ?(.*)$", body)
        if m:
            table = m.group(1)
            out[table] = {}
            entry = None
            continue
        if table is None:
            continue
        if not body.strip():
            table, entry = None, None
            continue
        indent = len(body) - len(body.lstrip())
        if indent == 3:
            text = body.strip()
            m = re.match(r"([\w, ]+?)(?::\s+|\s{2,})(.*)$", text)
            names, meaning = (m.group(1), m.group(2)) if m else (text, "")
            names = [x.strip() for x in names.split(",")]
            if not all(re.match(r"^\w+$", x) for x in names):
                fail(path, n, "cannot read this column entry: %r" % text)
            entry = names
            for x in names:
                out[table][x] = meaning
        elif indent > 3 and entry:
            for x in entry:
                out[table][x] = (out[table][x] + " " + body.strip()).strip()
        else:
            entry = None  # a note under the table, not a column
    if not out:
        fail(path, 1, "no documented derived tables found")
    return out


# --------------------------------------------------------------------------
# docs/fields.md


def field_meaning(table_name, table, column, schema_tables, derived):
    if column.startswith("events."):
        c = find_column(schema_tables, "events", column[len("events."):])
        return "`%s`: %s" % (column, c.comment) if c else "`%s`" % column
    if column.startswith("event_data."):
        return "EventData/UserData item `%s`" % column[len("event_data."):]
    c = find_column(schema_tables, table_name, column)
    if c:
        return c.comment
    if table_name in derived:
        d = derived[table_name]
        if column in d and d[column]:
            return d[column]
        for base in DERIVED_FROM.get(table_name, []):
            c = find_column(schema_tables, base, column)
            if c and c.comment:
                return c.comment
    return ""


def render_fields(mapping, schema_tables, derived):
    tables = mapping.get("tables") or {}
    logsources = mapping.get("logsources") or {}
    if not tables or not logsources:
        fail(MAPPING, 1, "expected top-level 'tables' and 'logsources'")
    out = []
    out.append("# Sigma logsources and fields")
    out.append("")
    out.append("<!-- Generated from rules/data/mapping.yml (meanings from db/schema.sql and "
               "rules/derived_tables.h) by docs/gen_schema_md.py; do not edit. -->")
    out.append("<!-- Change those files, then run: %s -->" % REGENERATE)
    out.append("")
    out.append("The logsources and field names a rule may use, and the case-database column each field "
               "reads. Field names ignore case. A field of type `integer` compares numerically with "
               "whole-number values; every other field (`text`, and `ip`, an address) compares as text, "
               "ignoring case unless the `cased` modifier is used; `cidr` tests an address against a range. "
               "How to write rules: [rules.md](rules.md); the tables: [schema.md](schema.md).")
    out.append("")
    out.append("| logsource | table | reads formats | what |")
    out.append("|---|---|---|---|")
    for key, ls in logsources.items():
        out.append("| [%s](#%s) | `%s` | %s | %s |" % (
            logsource_label(ls), key, ls.get("table", ""),
            ", ".join("`%s`" % f for f in (ls.get("formats") or [])) or "(derived)",
            md_cell(ls.get("description", ""))))
    out.append("")
    shown = {}  # table -> the logsource whose section lists its fields
    for key, ls in logsources.items():
        tname = ls.get("table")
        if tname not in tables:
            fail(MAPPING, 1, "logsource %s names table %r, which is not under tables" % (key, tname))
        t = tables[tname]
        out.append('<a id="%s"></a>' % key)
        out.append("## %s" % logsource_label(ls))
        out.append("")
        out.append("```yaml")
        out.append("logsource:")
        for part in ("product", "service", "category"):
            if ls.get(part):
                out.append("  %s: %s" % (part, ls[part]))
        out.append("```")
        out.append("")
        desc = md_cell(ls.get("description", ""))
        facts = [desc[:1].upper() + desc[1:] + "."]
        if tname.startswith("pm_"):
            facts.append("Table `%s`, which the rule engine derives from the case before rules run "
                         "(see `rules/derived_tables.h`)." % tname)
        else:
            facts.append("Table `%s` (see [schema.md](schema.md#%s))." % (tname, tname))
        if ls.get("formats"):
            facts.append("Reads sources of format %s." % ", ".join("`%s`" % f for f in ls["formats"]))
        if ls.get("where"):
            facts.append("Only rows where %s." % ", ".join("`%s` = `%s`" % (k, v) for k, v in ls["where"].items()))
        if tname in shown:
            first = logsources[shown[tname]]
            facts.append("Fields: the same as [%s](#%s)." % (logsource_label(first), shown[tname]))
            out.append(" ".join(facts))
            out.append("")
            continue
        shown[tname] = key
        out.append(" ".join(facts))
        out.append("")
        out.append("| field | column | type | meaning |")
        out.append("|---|---|---|---|")
        for fname, spec in (t.get("fields") or {}).items():
            if isinstance(spec, dict):
                col, ftype = spec.get("column", ""), spec.get("type", "text")
            else:
                col, ftype = spec, "text"
            meaning = field_meaning(tname, t, col, schema_tables, derived)
            out.append("| `%s` | `%s` | %s | %s |" % (fname, col, ftype, md_cell(meaning)))
        out.append("")
        notes = []
        if t.get("other_fields") == "event_data":
            notes.append("Any other field name is looked up as the EventData/UserData item of that name "
                         "(e.g. `ServiceName`, `ImagePath`, `TargetUserName`, `IpAddress`), compared as text.")
        kw = t.get("keywords")
        if kw:
            notes.append("Keyword lists (a selection that is a plain list of values) search %s." %
                         ", ".join("every EventData/UserData value" if k == "event_data" else "`%s`" % k for k in kw))
        else:
            notes.append("Keyword lists are refused for this logsource.")
        out.append(" ".join(notes))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def logsource_label(ls):
    return ", ".join("%s: %s" % (p, ls[p]) for p in ("product", "service", "category") if ls.get(p))


# --------------------------------------------------------------------------


def generate():
    intro, relations, formats = parse_schema(SCHEMA)
    schema_tables = {r.name: r for r in relations if r.kind == "table"}
    mapping = parse_yaml_subset(MAPPING)
    derived = parse_derived_comments(DERIVED)
    return {
        "docs/schema.md": render_schema(intro, relations, formats),
        "docs/fields.md": render_fields(mapping, schema_tables, derived),
    }


def main():
    ap = argparse.ArgumentParser(description="Generate docs/schema.md and docs/fields.md.")
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temporary folder and compare with the committed files")
    args = ap.parse_args()
    try:
        docs = generate()
    except GenError as e:
        print("gen_schema_md.py: %s" % e, file=sys.stderr)
        return 2
    if not args.check:
        for rel, text in docs.items():
            with open(os.path.join(ROOT, rel), "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print("wrote %s" % rel)
        return 0
    stale = 0
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in docs.items():
            fresh = os.path.join(tmp, os.path.basename(rel))
            with open(fresh, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            committed_path = os.path.join(ROOT, rel)
            try:
                with open(committed_path, encoding="utf-8") as f:
                    committed = f.read()
            except OSError as e:
                print("%s: cannot be read (%s)" % (rel, e.strerror), file=sys.stderr)
                stale += 1
                continue
            with open(fresh, encoding="utf-8") as f:
                text = f.read()
            if committed != text:
                stale += 1
                diff = difflib.unified_diff(committed.splitlines(True), text.splitlines(True),
                                            rel + " (committed)", rel + " (regenerated)")
                sys.stderr.writelines(diff)
    if stale:
        print("%d generated doc(s) out of date; run: %s" % (stale, REGENERATE), file=sys.stderr)
        return 1
    print("docs/schema.md and docs/fields.md are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
