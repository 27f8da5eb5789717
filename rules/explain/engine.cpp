// The explanation engine (rules/explain/engine.h): hits -> findings.
#include "rules/explain/engine.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "parsers/core/strings.h"
#include "parsers/core/time_util.h"
#include "rules/explain/case_info.h"
#include "rules/explain/clock.h"
#include "rules/explain/evidence.h"
#include "rules/explain/hit.h"
#include "rules/explain/templates.h"

namespace pm::rules {
namespace {

constexpr int64_t kClockToleranceUs = 2LL * 1000000;  // pfirewall has 1 s resolution; logs round

const char* role_name(EvidenceRole r) {
  switch (r) {
    case EvidenceRole::supporting: return "supporting";
    case EvidenceRole::contradicting: return "contradicting";
    case EvidenceRole::context: return "context";
  }
  return "context";
}

const char* state_name(EvidenceRun::State s) {
  switch (s) {
    case EvidenceRun::State::found: return "found";
    case EvidenceRun::State::absent: return "absent";
    case EvidenceRun::State::missing: return "missing";
  }
  return "missing";
}

EvidenceLine line_for(const Match& m, const std::string& role, const std::string& id, const CaseInfo& info) {
  EvidenceLine l;
  l.role = role;
  l.evidence_id = id;
  l.time_us = m.time_us;
  l.host = info.host_name(m.host_id);
  l.source_file = info.source_path(m.source_id);
  l.location = m.location;
  l.message = m.message;
  return l;
}

// Sentences of evidence that had nothing to say leave runs of spaces behind.
std::string squeeze_spaces(const std::string& text) {
  std::string out;
  for (char c : text)
    if (!(c == ' ' && (out.empty() || out.back() == ' ' || out.back() == '\n'))) out += c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

struct Evaluated {
  const EvidenceSpec* spec;
  EvidenceRun run;
  bool untimed_window = false;  // the spec has a window but the finding has no times
};

class Explainer {
 public:
  Explainer(db::Database& db, const Mapping& mapping, const CaseInfo& info, ClockTable& clocks,
            const ExplainOptions& options)
      : db_(db), mapping_(mapping), info_(info), clocks_(clocks), options_(options) {}

  Result<std::optional<Finding>> explain(const Hit& hit);

 private:
  Status evaluate(const Hit& hit, const HitContext& ctx, std::vector<Evaluated>& out, std::vector<std::string>& notes);
  db::Database& db_;
  const Mapping& mapping_;
  const CaseInfo& info_;
  ClockTable& clocks_;
  const ExplainOptions& options_;
  std::map<std::string, bool> presence_cache_;
};

Status Explainer::evaluate(const Hit& hit, const HitContext& ctx, std::vector<Evaluated>& out,
                           std::vector<std::string>& notes) {
  std::set<std::string> noted;
  for (const auto& spec : hit.rule->extension->evidence) {
    EvidenceQuery q;
    q.placeholders = ctx.placeholders;
    q.presence_cache = &presence_cache_;
    switch (spec.host) {
      case EvidenceHost::target:
        if (ctx.target) q.host_ids = {ctx.target->host_id};
        else q.no_host = true;
        break;
      case EvidenceHost::server:
        q.host_ids = ctx.server_ids;
        if (q.host_ids.empty()) q.no_host = true;
        break;
      case EvidenceHost::any:
        break;
    }
    Evaluated ev{&spec, {}, false};
    bool windowed = spec.before_us || spec.after_us;
    if (windowed && hit.first_us) {
      int64_t from = *hit.first_us - spec.before_us.value_or(0) - kClockToleranceUs;
      int64_t to = *hit.last_us + spec.after_us.value_or(0) + kClockToleranceUs;
      if (spec.host == EvidenceHost::target && ctx.target && ctx.reference) {
        auto off = clocks_.offset(*ctx.reference, ctx.target->host_id, from, to);
        if (!off) return off.status();
        if (*off) {
          from += (*off)->offset_us;
          to += (*off)->offset_us;
          std::string note = "clock of " + ctx.target->name + " relative to " + info_.host_name(ctx.reference) + ": " +
                             format_offset((*off)->offset_us) + " (" + (*off)->basis + "); windows on " +
                             ctx.target->name + " shifted accordingly";
          if ((*off)->offset_us != 0 && noted.insert(note).second) notes.push_back(note);
        }
      }
      q.from_us = from;
      q.to_us = to;
    } else if (windowed) {
      ev.untimed_window = true;
    }
    auto run = run_evidence(db_, mapping_, spec, q);
    if (!run) return run.status();
    ev.run = std::move(*run);
    out.push_back(std::move(ev));
  }
  return Status::ok();
}

const Outcome* choose(const Evaluated& ev, const std::map<std::string, EvidenceRun::State>& states) {
  const EvidenceSpec& spec = *ev.spec;
  switch (ev.run.state) {
    case EvidenceRun::State::found: return spec.found ? &*spec.found : nullptr;
    case EvidenceRun::State::missing: return spec.missing ? &*spec.missing : nullptr;
    case EvidenceRun::State::absent:
      for (const auto& o : spec.absent) {
        if (o.when.empty()) return &o;
        auto it = states.find(o.when);
        if (it != states.end() && it->second == EvidenceRun::State::found) return &o;
      }
      return nullptr;
  }
  return nullptr;
}

std::string default_text(const Evaluated& ev) {
  const auto& spec = *ev.spec;
  std::string label = spec.title.empty() ? spec.id : spec.title;
  switch (ev.run.state) {
    case EvidenceRun::State::found: return label + ": " + std::to_string(ev.run.count) + " found";
    case EvidenceRun::State::absent: return label + ": none found";
    case EvidenceRun::State::missing: return label + ": no such source in the case";
  }
  return label;
}

Result<std::optional<Finding>> Explainer::explain(const Hit& hit) {
  const Rule& rule = *hit.rule;
  const FindingSpec& fs = *rule.extension->finding;
  auto ctx_r = build_context(db_, info_, hit);
  if (!ctx_r) return ctx_r.status();
  HitContext& ctx = *ctx_r;

  Finding f;
  f.rule_id = rule.ref();  // the Sigma name (readable); the id is a UUID
  f.rule_title = rule.title;
  f.level = rule.level;
  f.host = ctx.target ? ctx.target->name : hit.host_value;
  f.first_us = hit.first_us;
  f.last_us = hit.last_us;
  for (const auto& m : hit.members) f.evidence.push_back(line_for(m, "trigger", rule.ref(), info_));
  bool windowed = false;
  for (const auto& spec : rule.extension->evidence) windowed |= spec.before_us.has_value() || spec.after_us.has_value();
  if (!hit.first_us && windowed)
    f.notes.push_back("the matched events carry no times (e.g. errors copied from the console): windows around "
                      "them cannot be placed, so windowed evidence was searched over the whole case and counts half");

  std::vector<Evaluated> evaluated;
  if (auto s = evaluate(hit, ctx, evaluated, f.notes); !s) return s;

  std::map<std::string, EvidenceRun::State> states;
  for (const auto& ev : evaluated) states[ev.spec->id] = ev.run.state;

  TemplateArgs args = ctx.args;
  double confidence = fs.confidence;
  const std::string where = rule.loc.str() + " (" + rule.ref() + ")";
  for (const auto& ev : evaluated) {
    const EvidenceSpec& spec = *ev.spec;
    if (ev.run.count_capped) args.set(spec.id + "_count", std::to_string(ev.run.count) + " or more");
    else args.set(spec.id + "_count", ev.run.count);
    const Outcome* o = choose(ev, states);
    double weight = o ? o->weight : 0;
    if (ev.untimed_window) weight /= 2;
    std::string text;  // for the narrative: empty when the rule says nothing for this outcome
    if (o && !o->text.empty()) {
      auto r = args.render(o->text, where + ": evidence " + spec.id);
      if (!r) return r.status();
      text = *r;
    }
    args.set(spec.id, text);
    std::string shown = text.empty() ? default_text(ev) : text;
    if (ev.untimed_window && ev.run.state != EvidenceRun::State::missing) shown += " (searched at any time)";
    text = shown;
    confidence += weight;
    EvidenceVerdict v{spec.id, spec.title, role_name(spec.role), state_name(ev.run.state), ev.run.count, weight, text};
    f.verdicts.push_back(std::move(v));
    if (ev.run.state == EvidenceRun::State::missing && !spec.decides.empty()) {
      auto d = args.render(spec.decides, where + ": evidence " + spec.id + " decides");
      if (!d) return d.status();
      if (std::find(f.missing_sources.begin(), f.missing_sources.end(), *d) == f.missing_sources.end())
        f.missing_sources.push_back(*d);
    }
    for (const auto& m : ev.run.rows) f.evidence.push_back(line_for(m, role_name(spec.role), spec.id, info_));
  }
  f.confidence = std::clamp(confidence, 0.0, 1.0);
  if (f.confidence < fs.report_below && !options_.include_suppressed) return std::optional<Finding>();

  args.set("confidence", std::to_string(static_cast<int>(f.confidence * 100 + 0.5)) + "%");
  for (auto [text, out, what] : {std::tuple{&fs.title, &f.title, "title"}, std::tuple{&fs.summary, &f.summary, "summary"},
                                 std::tuple{&fs.narrative, &f.explanation, "narrative"},
                                 std::tuple{&rule.extension->remediation, &f.remediation, "remediation"}}) {
    if (text->empty()) continue;
    auto r = args.render(*text, where + ": " + what);
    if (!r) return r.status();
    *out = out == &f.remediation ? *r : squeeze_spaces(*r);
  }
  if (f.title.empty()) f.title = rule.title;
  for (const auto& n : ctx.notes)
    if (n.find("<DPMVersion>") == std::string::npos || f.remediation.find("<DPMVersion>") != std::string::npos)
      f.notes.push_back(n);
  return std::optional<Finding>(std::move(f));
}

}  // namespace

Result<ExplainResult> explain_case(db::Database& db, const std::vector<Rule>& rules, const Mapping& mapping,
                                   const ExplainOptions& options) {
  auto info = CaseInfo::load(db);
  if (!info) return info.status();
  std::map<int64_t, int64_t> given;
  ExplainResult result;
  for (const auto& [name, offset] : options.skew_us) {
    const HostInfo* h = info->find(name);
    if (!h) return Status::error(ErrorKind::usage, "--skew " + name + ": no host of that name or address in the case");
    given[h->host_id] = offset;
    result.notes.push_back("clock of " + h->name + " set with --skew: " + format_offset(offset));
  }
  ClockTable clocks(db, given);
  Explainer explainer(db, mapping, *info, clocks, options);
  for (const auto& rule : rules) {
    if (!rule.extension || !rule.extension->finding) continue;
    auto hits = collect_hits(db, rule, rules, mapping, *info);
    if (!hits) return hits.status();
    for (const auto& hit : *hits) {
      auto f = explainer.explain(hit);
      if (!f) return f.status();
      if (*f) result.findings.push_back(std::move(**f));
    }
  }
  // Causes before context: by level, then confidence, host, time.
  auto rank = [](const std::string& level) {
    static const char* kLevels[] = {"critical", "high", "medium", "low", "informational"};
    for (int i = 0; i < 5; ++i)
      if (level == kLevels[i]) return i;
    return 5;
  };
  std::stable_sort(result.findings.begin(), result.findings.end(), [&](const Finding& a, const Finding& b) {
    if (rank(a.level) != rank(b.level)) return rank(a.level) < rank(b.level);
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    if (a.host != b.host) return a.host < b.host;
    return a.first_us.value_or(INT64_MAX) < b.first_us.value_or(INT64_MAX);
  });
  return result;
}

}  // namespace pm::rules
