// The `pushmortem:` block (rules/extension.h), parsed strictly: every
// unknown key is an error, so a typo never silently drops a setting.
#include <algorithm>

#include "rules/rule_loader_internal.h"

namespace pm::rules::loader {
namespace {

bool valid_evidence_id(const std::string& id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Reads `key` of `e` as text into `out` when the key matches; false otherwise.
Status read_text(const MapEntry& e, const std::string& what, std::string& out) {
  auto t = text(e.value, e.value_loc, what + " " + e.key);
  if (!t) return t.status();
  out = std::move(t.value());
  return Status::ok();
}

Result<FindingSpec> parse_finding(const MapEntry& block) {
  auto entries = map_entries(block.value, block.value_loc, "pushmortem finding");
  if (!entries) return entries.status();
  if (Status st = only_keys(entries.value(), {"host", "title", "summary", "narrative", "confidence", "report_below"},
                            "pushmortem finding");
      !st)
    return st;
  FindingSpec f;
  f.loc = block.key_loc;
  for (const MapEntry& e : entries.value()) {
    Status st;
    if (e.key == "host") st = read_text(e, "finding", f.host);
    if (e.key == "title") st = read_text(e, "finding", f.title);
    if (e.key == "summary") st = read_text(e, "finding", f.summary);
    if (e.key == "narrative") st = read_text(e, "finding", f.narrative);
    if (e.key == "confidence" || e.key == "report_below") {
      auto v = number_in(e.value, e.value_loc, "finding " + e.key, 0, 1);
      if (!v) return v.status();
      (e.key == "confidence" ? f.confidence : f.report_below) = v.value();
    }
    if (!st) return st;
  }
  if (f.title.empty())
    return fail_at(ErrorKind::bad_input, block.key_loc, "pushmortem finding has no title; add title: <template>");
  return f;
}

Result<Outcome> parse_outcome(const YAML::Node& node, const SourceLoc& loc, const std::string& what,
                              bool allow_when) {
  auto entries = map_entries(node, loc, what);
  if (!entries) return entries.status();
  Status st = allow_when ? only_keys(entries.value(), {"when", "weight", "text"}, what)
                         : only_keys(entries.value(), {"weight", "text"}, what);
  if (!st) return st;
  Outcome o;
  o.loc = loc;
  for (const MapEntry& e : entries.value()) {
    if (e.key == "weight") {
      auto w = number_in(e.value, e.value_loc, what + " weight", -1, 1);
      if (!w) return w.status();
      o.weight = w.value();
    } else if (e.key == "text") {
      if (Status t = read_text(e, what, o.text); !t) return t;
    } else if (e.key == "when") {
      if (Status t = read_text(e, what, o.when); !t) return t;
    }
  }
  return o;
}

Status parse_absent(const MapEntry& e, const std::string& what, std::vector<Outcome>& out) {
  if (!e.value.IsSequence()) {
    auto o = parse_outcome(e.value, e.value_loc, what, false);
    if (!o) return o.status();
    out.push_back(std::move(o.value()));
    return Status::ok();
  }
  for (const YAML::Node& item : e.value) {
    SourceLoc at = loc_of(e.value_loc.file, item);
    if (at.line == 0 || item.IsNull()) at = e.value_loc;
    if (!out.empty() && out.back().when.empty())
      return fail_at(ErrorKind::bad_input, at,
                     what + " follows an outcome without 'when', which always applies; move the default last");
    auto o = parse_outcome(item, at, what, true);
    if (!o) return o.status();
    out.push_back(std::move(o.value()));
  }
  if (out.empty()) return fail_at(ErrorKind::bad_input, e.value_loc, what + " is an empty list; add outcomes");
  return Status::ok();
}

Status parse_window(const MapEntry& block, EvidenceSpec& ev) {
  auto entries = map_entries(block.value, block.value_loc, "evidence window");
  if (!entries) return entries.status();
  if (Status st = only_keys(entries.value(), {"before", "after"}, "evidence window"); !st) return st;
  for (const MapEntry& e : entries.value()) {
    auto d = duration_us(e.value, e.value_loc, "window " + e.key, true);
    if (!d) return d.status();
    (e.key == "before" ? ev.before_us : ev.after_us) = d.value();
  }
  return Status::ok();
}

Result<EvidenceSpec> parse_evidence(const YAML::Node& node, const SourceLoc& loc) {
  auto entries = map_entries(node, loc, "pushmortem evidence");
  if (!entries) return entries.status();
  if (Status st = only_keys(entries.value(), {"id", "title", "role", "logsource", "host", "window", "detection", "found",
                                              "absent", "missing", "decides", "limit"},
                            "pushmortem evidence");
      !st)
    return st;
  EvidenceSpec ev;
  ev.loc = loc;
  bool have_logsource = false, have_detection = false;
  for (const MapEntry& e : entries.value()) {
    Status st;
    if (e.key == "id") {
      st = read_text(e, "evidence", ev.id);
      if (st && !valid_evidence_id(ev.id))
        st = fail_at(ErrorKind::bad_input, e.value_loc,
                     "evidence id '" + ev.id + "' must use only a-z, 0-9 and _; e.g. firewall_drops");
    } else if (e.key == "title") {
      st = read_text(e, "evidence", ev.title);
    } else if (e.key == "decides") {
      st = read_text(e, "evidence", ev.decides);
    } else if (e.key == "role" || e.key == "host") {
      std::string v;
      st = read_text(e, "evidence", v);
      if (!st) return st;
      if (e.key == "role" && v == "supporting") ev.role = EvidenceRole::supporting;
      else if (e.key == "role" && v == "contradicting") ev.role = EvidenceRole::contradicting;
      else if (e.key == "role" && v == "context") ev.role = EvidenceRole::context;
      else if (e.key == "host" && v == "target") ev.host = EvidenceHost::target;
      else if (e.key == "host" && v == "server") ev.host = EvidenceHost::server;
      else if (e.key == "host" && v == "any") ev.host = EvidenceHost::any;
      else
        st = fail_at(ErrorKind::bad_input, e.value_loc,
                     "evidence " + e.key + " '" + v + "' is unknown; use " +
                         (e.key == "role" ? "supporting, contradicting or context" : "target, server or any"));
    } else if (e.key == "logsource") {
      auto ls = parse_logsource(e.value, e.key_loc, true);
      if (!ls) return ls.status();
      ev.logsource = std::move(ls.value());
      have_logsource = true;
    } else if (e.key == "window") {
      st = parse_window(e, ev);
    } else if (e.key == "detection") {
      auto d = parse_detection(e.value, e.key_loc);
      if (!d) return d.status();
      ev.detection = std::move(d.value());
      have_detection = true;
    } else if (e.key == "found" || e.key == "missing") {
      auto o = parse_outcome(e.value, e.value_loc, "evidence " + e.key, false);
      if (!o) return o.status();
      (e.key == "found" ? ev.found : ev.missing) = std::move(o.value());
    } else if (e.key == "absent") {
      st = parse_absent(e, "evidence absent", ev.absent);
    } else if (e.key == "limit") {
      auto n = integer(e.value, e.value_loc, "evidence limit");
      if (!n) return n.status();
      if (n.value() < 1 || n.value() > 100000)
        return fail_at(ErrorKind::bad_input, e.value_loc, "evidence limit must be between 1 and 100000");
      ev.limit = static_cast<int>(n.value());
    }
    if (!st) return st;
  }
  if (ev.id.empty()) return fail_at(ErrorKind::bad_input, loc, "evidence has no id; add id: <a-z0-9_ name>");
  if (!have_logsource)
    return fail_at(ErrorKind::bad_input, loc, "evidence '" + ev.id + "' has no logsource; add one");
  if (!have_detection)
    return fail_at(ErrorKind::bad_input, loc, "evidence '" + ev.id + "' has no detection; add one");
  return ev;
}

Status parse_samples(const MapEntry& block, std::vector<Sample>& out) {
  const std::string what = "pushmortem tests " + block.key;
  if (!block.value.IsSequence())
    return fail_at(ErrorKind::bad_input, block.value_loc, what + " must be a list of samples ({Field: value, ...})");
  for (const YAML::Node& item : block.value) {
    SourceLoc at = loc_of(block.value_loc.file, item);
    if (at.line == 0 || item.IsNull()) at = block.value_loc;
    auto fields = map_entries(item, at, "a sample of " + what);
    if (!fields) return fields.status();
    Sample sample;
    sample.loc = at;
    for (const MapEntry& f : fields.value()) {
      auto v = text(f.value, f.value_loc, "sample field '" + f.key + "'");
      if (!v) return v.status();
      sample.fields[f.key] = std::move(v.value());
    }
    out.push_back(std::move(sample));
  }
  return Status::ok();
}

Status parse_tests(const MapEntry& block, Extension& ext) {
  auto entries = map_entries(block.value, block.value_loc, "pushmortem tests");
  if (!entries) return entries.status();
  if (Status st = only_keys(entries.value(), {"hit", "miss"}, "pushmortem tests"); !st) return st;
  for (const MapEntry& e : entries.value()) {
    if (Status st = parse_samples(e, e.key == "hit" ? ext.hits : ext.misses); !st) return st;
  }
  return Status::ok();
}

// Evidence ids are unique, and every `when` names another evidence of the rule.
Status check_evidence_refs(const std::vector<EvidenceSpec>& evidence) {
  for (size_t i = 0; i < evidence.size(); ++i) {
    for (size_t j = 0; j < i; ++j)
      if (evidence[j].id == evidence[i].id)
        return fail_at(ErrorKind::bad_input, evidence[i].loc,
                       "evidence id '" + evidence[i].id + "' is used twice (first at line " +
                           std::to_string(evidence[j].loc.line) + "); give each evidence its own id");
  }
  for (const EvidenceSpec& ev : evidence) {
    for (const Outcome& o : ev.absent) {
      if (o.when.empty()) continue;
      bool known = std::any_of(evidence.begin(), evidence.end(),
                               [&](const EvidenceSpec& other) { return other.id == o.when && &other != &ev; });
      if (!known)
        return fail_at(ErrorKind::bad_input, o.loc,
                       "absent outcome of '" + ev.id + "' has when: '" + o.when +
                           "', which names no other evidence of this rule; use one of their ids");
    }
  }
  return Status::ok();
}

}  // namespace

Result<Extension> parse_extension(const YAML::Node& node, const SourceLoc& loc) {
  auto entries = map_entries(node, loc, "the pushmortem block");
  if (!entries) return entries.status();
  if (Status st = only_keys(entries.value(), {"finding", "evidence", "remediation", "tests"}, "the pushmortem block");
      !st)
    return st;
  Extension ext;
  ext.loc = loc;
  for (const MapEntry& e : entries.value()) {
    if (e.key == "finding") {
      auto f = parse_finding(e);
      if (!f) return f.status();
      ext.finding = std::move(f.value());
    } else if (e.key == "evidence") {
      if (!e.value.IsSequence())
        return fail_at(ErrorKind::bad_input, e.value_loc, "pushmortem evidence must be a list of evidence maps");
      for (const YAML::Node& item : e.value) {
        SourceLoc at = loc_of(loc.file, item);
        if (at.line == 0 || item.IsNull()) at = e.value_loc;
        auto ev = parse_evidence(item, at);
        if (!ev) return ev.status();
        ext.evidence.push_back(std::move(ev.value()));
      }
    } else if (e.key == "remediation") {
      if (Status st = read_text(e, "pushmortem", ext.remediation); !st) return st;
    } else if (e.key == "tests") {
      if (Status st = parse_tests(e, ext); !st) return st;
    }
  }
  if (Status st = check_evidence_refs(ext.evidence); !st) return st;
  return ext;
}

}  // namespace pm::rules::loader
