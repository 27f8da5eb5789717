#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "rules/embedded.h"
#include "rules/rule_loader.h"
#include "support/paths.h"

namespace fs = std::filesystem;
using pm::ErrorKind;
using namespace pm::rules;
using Strings = std::vector<std::string>;
using Kind = SigmaValue::Kind;

namespace {

fs::path loader_path(const std::string& rel) { return pm::test::testdata("rules/loader/" + rel); }

std::vector<Rule> load_ok(const std::string& rel) {
  auto r = load_rules_path(loader_path(rel));
  INFO(r.status().message());
  REQUIRE(r.is_ok());
  return std::move(r.value());
}

void check_value(const SigmaValue& v, Kind kind, const std::string& text, int line) {
  CHECK(v.kind == kind);
  CHECK(v.text == text);
  CHECK(v.loc.line == line);
}

const char* kMinimal =
    "title: {}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    EventID: 1\n  condition: sel\n";

std::string minimal(const std::string& title) {
  std::string s = kMinimal;
  return s.replace(s.find("{}"), 2, title);
}

}  // namespace

TEST_CASE("loader: a SigmaHQ-style Windows System rule, field by field", "[rules][loader]") {
  auto rules = load_ok("good/win_system_dpmra_unusual_path.yml");
  REQUIRE(rules.size() == 1);
  const Rule& r = rules[0];
  std::string file = loader_path("good/win_system_dpmra_unusual_path.yml").string();
  CHECK(r.origin == file);
  CHECK(r.loc.file == file);
  CHECK(r.loc.line == 1);
  CHECK(r.title == "DPM Protection Agent Service Installed From An Unusual Path");
  CHECK(r.id == "6f1c2d7e-3b4a-4e59-9c0d-2a8b7e5f1c43");
  CHECK(r.name.empty());
  CHECK(r.ref() == r.id);
  CHECK(r.status == "experimental");
  CHECK(r.level == "medium");
  CHECK(r.description ==
        "The Service Control Manager recorded the installation of the DPM protection\n"
        "agent service (DPMRA) from a folder other than the DPM agent's own.\n");
  CHECK(r.references == Strings{"https://learn.microsoft.com/system-center/dpm/deploy-dpm-protection-agent"});
  CHECK(r.tags == Strings{"attack.persistence", "attack.t1543.003"});
  CHECK(r.author == "pushmortem tests");
  CHECK(r.date == "2024-03-18");
  CHECK(r.modified == "2024-05-02");
  CHECK(r.falsepositives == Strings{"Agent installed to a custom folder by the backup team"});
  CHECK(r.logsource.product == "windows");
  CHECK(r.logsource.service == "system");
  CHECK(r.logsource.category.empty());
  CHECK(r.logsource.loc.line == 15);
  CHECK_FALSE(r.is_correlation());
  CHECK_FALSE(r.extension.has_value());

  REQUIRE(r.detection.has_value());
  const Detection& d = *r.detection;
  REQUIRE(d.selections.size() == 3);
  CHECK(d.conditions == Strings{"selection and not 1 of filter_*"});
  CHECK(d.condition_loc.line == 30);

  const Selection& sel = d.selections[0];
  CHECK(sel.name == "selection");
  CHECK(sel.loc.line == 20);
  CHECK_FALSE(sel.keywords);
  REQUIRE(sel.alternatives.size() == 1);
  const auto& m = sel.alternatives[0];
  REQUIRE(m.size() == 3);
  CHECK(m[0].field == "Provider_Name");
  CHECK(m[0].modifiers.empty());
  CHECK(m[0].loc.line == 21);
  REQUIRE(m[0].values.size() == 1);
  check_value(m[0].values[0], Kind::string, "Service Control Manager", 21);
  CHECK(m[1].field == "EventID");
  REQUIRE(m[1].values.size() == 1);
  check_value(m[1].values[0], Kind::integer, "7045", 22);
  CHECK(m[1].values[0].number == 7045);
  CHECK(m[2].field == "ServiceName");
  CHECK(m[2].modifiers == Strings{"contains"});
  REQUIRE(m[2].values.size() == 2);
  check_value(m[2].values[0], Kind::string, "DPMRA", 24);
  check_value(m[2].values[1], Kind::string, "DPM Agent", 25);

  CHECK(d.selections[1].name == "filter_main_path");
  const FieldMatch& path = d.selections[1].alternatives.at(0).at(0);
  CHECK(path.field == "ImagePath");
  CHECK(path.modifiers == Strings{"startswith"});
  check_value(path.values.at(0), Kind::string, "C:\\Program Files\\Microsoft Data Protection Manager\\", 27);
  CHECK(d.selections[2].name == "filter_optional_null");
  check_value(d.selections[2].alternatives.at(0).at(0).values.at(0), Kind::null, "", 29);
}

TEST_CASE("loader: two base rules and a temporal_ordered correlation in one file", "[rules][loader]") {
  auto rules = load_ok("good/push_sequence.yml");
  REQUIRE(rules.size() == 3);  // the empty document after the last --- is skipped

  const Rule& fw = rules[0];
  CHECK(fw.loc.line == 2);
  CHECK(fw.id == "fw-drop-rpc");
  CHECK(fw.ref() == "fw-drop-rpc");
  CHECK(fw.logsource.service == "firewall-log");
  const auto& ports = fw.detection->selections.at(0).alternatives.at(0).at(1);
  CHECK(ports.field == "dst-port");
  REQUIRE(ports.values.size() == 2);
  check_value(ports.values[0], Kind::integer, "135", 12);
  CHECK(ports.values[1].number == 445);

  const Rule& err = rules[1];
  CHECK(err.loc.line == 17);
  CHECK(err.name == "dpm_push_error_347");
  CHECK(err.id == "2b7f0c1e-9d35-4a8e-b6f2-71c4d0e9a358");
  CHECK(err.ref() == "dpm_push_error_347");
  CHECK(err.level == "medium");

  const Rule& c = rules[2];
  CHECK(c.loc.line == 30);
  CHECK(c.name == "push_failed_after_drop");
  CHECK(c.id == "push_failed_after_drop");  // no id: the name
  CHECK(c.is_correlation());
  CHECK_FALSE(c.detection.has_value());
  CHECK(c.logsource.product.empty());
  const Correlation& k = *c.correlation;
  CHECK(k.type == CorrelationType::temporal_ordered);
  CHECK(k.loc.line == 32);
  CHECK(k.rules == Strings{"fw-drop-rpc", "dpm_push_error_347"});
  CHECK(k.group_by == Strings{"target"});
  CHECK(k.timespan_us == 30LL * 60 * 1000000);
  CHECK(k.condition.ops.empty());
  CHECK(k.condition.field.empty());
  CHECK(k.generate);
  REQUIRE(k.aliases.size() == 1);
  const auto& alias = k.aliases.at("target");
  CHECK(alias.size() == 2);
  CHECK(alias.at("fw-drop-rpc") == "dst-ip");
  CHECK(alias.at("dpm_push_error_347") == "Target");

  CHECK(check_rule_set(rules).is_ok());
}

TEST_CASE("loader: a rule with a full pushmortem block", "[rules][loader]") {
  auto rules = load_ok("good/pushmortem_full.yml");
  REQUIRE(rules.size() == 1);
  REQUIRE(rules[0].extension.has_value());
  const Extension& x = *rules[0].extension;
  CHECK(x.loc.line == 15);
  REQUIRE(x.finding.has_value());
  const FindingSpec& f = *x.finding;
  CHECK(f.host == "Target");
  CHECK(f.title == "Agent push to {target} blocked by its firewall");
  CHECK(f.summary == "The firewall on {target} drops the DPM server's RPC calls");
  CHECK(f.narrative == "The push to {target} failed at {first_seen}.\n{firewall_drops}\n");
  CHECK(f.confidence == Approx(0.6));
  CHECK(f.report_below == Approx(0.25));
  CHECK(f.loc.line == 16);
  CHECK(x.remediation == "Allow dpmac.exe inbound on {target}.\n");

  REQUIRE(x.evidence.size() == 3);
  const EvidenceSpec& fw = x.evidence[0];
  CHECK(fw.id == "firewall_drops");
  CHECK(fw.loc.line == 26);
  CHECK(fw.title == "Firewall DROP rows from the DPM server");
  CHECK(fw.role == EvidenceRole::supporting);
  CHECK(fw.host == EvidenceHost::target);
  CHECK(fw.logsource.product == "windows");
  CHECK(fw.logsource.service == "firewall-log");
  CHECK(fw.before_us == 30LL * 60 * 1000000);
  CHECK(fw.after_us == 5LL * 60 * 1000000);
  REQUIRE(fw.detection.selections.size() == 1);
  const FieldMatch& src = fw.detection.selections[0].alternatives.at(0).at(1);
  CHECK(src.field == "src-ip");
  CHECK(src.modifiers == Strings{"expand"});
  check_value(src.values.at(0), Kind::string, "%server_ips%", 39);
  CHECK(fw.detection.conditions == Strings{"selection"});
  REQUIRE(fw.found.has_value());
  CHECK(fw.found->weight == Approx(0.3));
  CHECK(fw.found->text == "{firewall_drops_count} dropped packets from the DPM server");
  CHECK(fw.found->when.empty());
  REQUIRE(fw.absent.size() == 2);
  CHECK(fw.absent[0].when == "drop_logging_off");
  CHECK(fw.absent[0].weight == Approx(0));
  CHECK(fw.absent[0].text == "No drops logged, but dropped-packet logging is off");
  CHECK(fw.absent[0].loc.line == 45);
  CHECK(fw.absent[1].when.empty());
  CHECK(fw.absent[1].weight == Approx(-0.4));
  CHECK(fw.absent[1].loc.line == 48);
  REQUIRE(fw.missing.has_value());
  CHECK(fw.missing->text == "No firewall log from {target}");
  CHECK(fw.decides == "pfirewall.log from {target}");
  CHECK(fw.limit == 10);

  const EvidenceSpec& logging = x.evidence[1];
  CHECK(logging.id == "drop_logging_off");
  CHECK(logging.role == EvidenceRole::context);
  CHECK(logging.host == EvidenceHost::any);
  CHECK(logging.logsource.service == "firewall-profile");
  CHECK_FALSE(logging.before_us.has_value());
  CHECK_FALSE(logging.after_us.has_value());
  CHECK_FALSE(logging.found.has_value());
  CHECK(logging.absent.empty());
  CHECK(logging.limit == 20);

  const EvidenceSpec& down = x.evidence[2];
  CHECK(down.role == EvidenceRole::contradicting);
  CHECK(down.host == EvidenceHost::server);
  CHECK(down.before_us == 0);
  CHECK_FALSE(down.after_us.has_value());
  CHECK(down.title.empty());
  REQUIRE(down.absent.size() == 1);
  CHECK(down.absent[0].weight == Approx(0.05));
  CHECK(down.found->weight == Approx(-0.5));

  REQUIRE(x.hits.size() == 2);
  CHECK(x.hits[0].fields == std::map<std::string, std::string>{{"ErrorId", "347"}, {"Target", "fs01.contoso.com"}});
  CHECK(x.hits[0].loc.line == 79);
  CHECK(x.hits[1].fields == std::map<std::string, std::string>{{"Details", ""}, {"ErrorId", "319"}});
  REQUIRE(x.misses.size() == 1);
  CHECK(x.misses[0].fields == std::map<std::string, std::string>{{"ErrorId", "3311"}});
}

TEST_CASE("loader: keywords, lists of maps, every supported modifier", "[rules][loader]") {
  auto rules = load_ok("good/nested/keywords_and_modifiers.yml");
  REQUIRE(rules.size() == 1);
  const Rule& r = rules[0];
  CHECK(r.id == "keywords_and_modifiers#1");  // neither id nor name
  CHECK(r.logsource.category == "process_creation");
  const Detection& d = *r.detection;
  REQUIRE(d.selections.size() == 5);
  CHECK(d.conditions == Strings{"keywords or keyword_single", "1 of alternatives and all of them"});

  const Selection& kw = d.selections[0];
  CHECK(kw.keywords);
  CHECK(kw.alternatives.empty());
  REQUIRE(kw.keyword_values.size() == 2);
  check_value(kw.keyword_values[0], Kind::string, "RPC_E_TOO_LATE", 7);
  check_value(kw.keyword_values[1], Kind::string, "0x80010119", 8);
  CHECK(d.selections[1].keywords);
  check_value(d.selections[1].keyword_values.at(0), Kind::string, "Security must be initialized", 9);

  const Selection& alt = d.selections[2];
  CHECK_FALSE(alt.keywords);
  REQUIRE(alt.alternatives.size() == 3);
  REQUIRE(alt.alternatives[0].size() == 2);
  CHECK(alt.alternatives[0][1].field == "CommandLine");
  CHECK(alt.alternatives[0][1].modifiers == Strings{"windash", "contains", "all"});
  CHECK(alt.alternatives[0][1].values.size() == 2);
  CHECK(alt.alternatives[1].at(0).modifiers == Strings{"re", "i"});
  check_value(alt.alternatives[1].at(0).values.at(0), Kind::string, "\\\\msiexec\\.exe$", 15);
  CHECK(alt.alternatives[2].at(0).modifiers == Strings{"base64offset", "contains"});

  const auto& ex = d.selections[3].alternatives.at(0);
  REQUIRE(ex.size() == 11);
  CHECK(ex[0].modifiers == Strings{"cidr"});
  CHECK(ex[0].values.at(1).text == "fe80::/10");
  check_value(ex[1].values.at(0), Kind::boolean, "true", 21);
  check_value(ex[2].values.at(0), Kind::integer, "3", 22);
  CHECK(ex[3].modifiers == Strings{"cased", "startswith"});
  CHECK(ex[4].modifiers == Strings{"expand"});
  CHECK(ex[5].modifiers == Strings{"base64"});
  check_value(ex[6].values.at(0), Kind::string, "", 26);     // '' is an empty text, not null
  check_value(ex[7].values.at(0), Kind::boolean, "false", 27);
  check_value(ex[8].values.at(0), Kind::string, "7045", 28);  // quoted: text
  check_value(ex[9].values.at(0), Kind::string, "007", 29);   // leading zero: text
  CHECK(ex[10].modifiers == Strings{"re", "i", "m", "s"});
  CHECK(d.selections[4].name == "_hidden");
}

TEST_CASE("loader: a folder loads every .yml/.yaml file below it, sorted by path", "[rules][loader]") {
  auto rules = load_ok("good");
  std::vector<std::string> ids;
  for (const Rule& r : rules) ids.push_back(r.id);
  CHECK(ids == Strings{"keywords_and_modifiers#1", "fw-drop-rpc", "2b7f0c1e-9d35-4a8e-b6f2-71c4d0e9a358",
                       "push_failed_after_drop", "pm-test-push-blocked", "6f1c2d7e-3b4a-4e59-9c0d-2a8b7e5f1c43"});
  CHECK(rules[0].origin == loader_path("good/nested/keywords_and_modifiers.yml").string());
  CHECK(rules[3].origin == loader_path("good/push_sequence.yml").string());
  CHECK(check_rule_set(rules).is_ok());
}

TEST_CASE("loader: path errors", "[rules][loader]") {
  auto missing = load_rules_path(loader_path("good/no_such_file.yml"));
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.status().kind() == ErrorKind::io);
  auto not_yaml = load_rules_path(loader_path("good/nested/not_a_rule.txt"));
  REQUIRE_FALSE(not_yaml.is_ok());
  CHECK(not_yaml.status().kind() == ErrorKind::usage);
  CHECK_THAT(not_yaml.status().message(), Catch::EndsWith("not_a_rule.txt: not a rule file; rule files end in .yml or .yaml"));
}

TEST_CASE("loader: every refusal names file, line and the problem", "[rules][loader]") {
  struct Case {
    const char* file;
    ErrorKind kind;
    const char* message;  // after "<path>/"
  };
  const Case cases[] = {
      {"yaml_syntax.yml", ErrorKind::bad_input, "yaml_syntax.yml:8: YAML syntax error: end of sequence flow not found; fix the indentation, quotes or brackets"},
      {"missing_title.yml", ErrorKind::bad_input, "missing_title.yml:1: the rule has no title; add title: <what it detects>"},
      {"bad_level.yml", ErrorKind::bad_input, "bad_level.yml:9: level 'severe' is unknown; use informational, low, medium, high or critical"},
      {"no_detection.yml", ErrorKind::bad_input, "no_detection.yml:1: the rule has neither logsource+detection nor correlation; add what it matches"},
      {"action_global.yml", ErrorKind::unsupported, "action_global.yml:1: rule collections (action: global/reset/repeat) are not supported"},
      {"modifier_wide.yml", ErrorKind::unsupported, "modifier_wide.yml:8: unsupported modifier 'wide' in 'CommandLine|wide|base64offset|contains': UTF-16 encoded matching is not supported"},
      {"modifier_fieldref.yml", ErrorKind::unsupported, "modifier_fieldref.yml:8: unsupported modifier 'fieldref' in 'ServiceName|fieldref': comparing two fields"},
      {"modifier_i_without_re.yml", ErrorKind::bad_input, "modifier_i_without_re.yml:8: modifier 'i' only applies to 're' in 'ServiceName|contains|i'; add re or remove it"},
      {"re_with_contains.yml", ErrorKind::bad_input, "re_with_contains.yml:7: 're' cannot be combined with 'contains' in 'ImagePath|re|contains'"},
      {"base64offset_alone.yml", ErrorKind::bad_input, "base64offset_alone.yml:7: 'base64offset' needs 'contains' in 'ImagePath|base64offset'; write 'ImagePath|base64offset|contains'"},
      {"exists_not_boolean.yml", ErrorKind::bad_input, "exists_not_boolean.yml:8: 'exists' in 'ImagePath|exists' takes one value, true or false"},
      {"gt_not_integer.yml", ErrorKind::bad_input, "gt_not_integer.yml:9: 'gt' in 'EventID|gt' compares numbers; '7.5' is not a whole number"},
      {"bad_cidr.yml", ErrorKind::bad_input, "bad_cidr.yml:9: '10.0.0.300/24' in 'src-ip|cidr' is not an IPv4 or IPv6 CIDR range"},
      {"bad_regex.yml", ErrorKind::bad_input, "bad_regex.yml:8: regular expression '(?<=Program Files\\\\)dpm' in 'ImagePath|re' does not compile: invalid perl operator: (?<"},
      {"timeframe.yml", ErrorKind::unsupported, "timeframe.yml:8: timeframe is not supported in a detection; use a correlation rule with timespan"},
      {"condition_pipe.yml", ErrorKind::unsupported, "condition_pipe.yml:8: condition 'selection | count() by ComputerName > 5' uses the aggregation pipe '|', which is not supported (at position 11); use a correlation rule"},
      {"condition_unknown.yml", ErrorKind::bad_input, "condition_unknown.yml:12: condition 'selection and not filtr' names 'filtr', which is no selection of the detection (at position 19)"},
      {"condition_no_match.yml", ErrorKind::bad_input, "condition_no_match.yml:8: condition 'selection and not 1 of filter_*' uses 'filter_*', which matches no selection (at position 24)"},
      {"condition_two_of.yml", ErrorKind::unsupported, "condition_two_of.yml:10: condition '2 of selection_*' uses '2 of', which is not supported (at position 1)"},
      {"condition_any_of.yml", ErrorKind::unsupported, "condition_any_of.yml:8: condition 'any of selection_*' uses 'any of', which is not supported (at position 1); write '1 of' instead"},
      {"condition_near.yml", ErrorKind::unsupported, "condition_near.yml:10: condition 'selection_a near selection_b' uses 'near', which is not supported (at position 13)"},
      {"selection_nested_map.yml", ErrorKind::bad_input, "selection_nested_map.yml:8: 'ServiceName' holds a nested map"},
      {"selection_mixed_list.yml", ErrorKind::bad_input, "selection_mixed_list.yml:7: selection 'selection' mixes maps and plain values"},
      {"duplicate_key.yml", ErrorKind::bad_input, "duplicate_key.yml:8: key 'selection' of detection appears twice (first at line 6); keep one"},
      {"correlation_type.yml", ErrorKind::unsupported, "correlation_type.yml:3: correlation type 'value_sum' is not supported; use event_count, value_count, temporal or temporal_ordered"},
      {"correlation_timespan.yml", ErrorKind::bad_input, "correlation_timespan.yml:5: timespan '1w' has an unknown unit; write digits and a unit s, m, h or d"},
      {"correlation_no_condition.yml", ErrorKind::bad_input, "correlation_no_condition.yml:2: event_count correlation needs a condition"},
      {"correlation_alias_rule.yml", ErrorKind::bad_input, "correlation_alias_rule.yml:11: alias 'host' names rule 'rule_c', which is not in the correlation's rules"},
      {"ext_unknown_key.yml", ErrorKind::bad_input, "ext_unknown_key.yml:17: unknown key 'wieght' in evidence found; expected one of: weight, text"},
      {"ext_block_typo.yml", ErrorKind::bad_input, "ext_block_typo.yml:12: unknown key 'remedation' in the pushmortem block; expected one of: finding, evidence, remediation, tests"},
      {"ext_evidence_id.yml", ErrorKind::bad_input, "ext_evidence_id.yml:11: evidence id 'FirewallDrops' must use only a-z, 0-9 and _"},
      {"ext_duplicate_evidence.yml", ErrorKind::bad_input, "ext_duplicate_evidence.yml:16: evidence id 'fw_drops' is used twice (first at line 11)"},
      {"ext_when_unknown.yml", ErrorKind::bad_input, "ext_when_unknown.yml:17: absent outcome of 'fw_drops' has when: 'drop_logging', which names no other evidence of this rule"},
      {"ext_when_self.yml", ErrorKind::bad_input, "ext_when_self.yml:17: absent outcome of 'fw_drops' has when: 'fw_drops', which names no other evidence"},
      {"ext_default_not_last.yml", ErrorKind::bad_input, "ext_default_not_last.yml:24: evidence absent follows an outcome without 'when'"},
      {"ext_weight_range.yml", ErrorKind::bad_input, "ext_weight_range.yml:16: evidence found weight is 1.5; it must be between -1 and 1"},
      {"ext_confidence_range.yml", ErrorKind::bad_input, "ext_confidence_range.yml:12: finding confidence is 80; it must be between 0 and 1"},
      {"ext_bad_role.yml", ErrorKind::bad_input, "ext_bad_role.yml:16: evidence role 'proving' is unknown; use supporting, contradicting or context"},
      {"ext_evidence_condition.yml", ErrorKind::bad_input, "ext_evidence_condition.yml:15: condition 'selection and not filter' names 'filter'"},
      {"ext_logsource_typo.yml", ErrorKind::bad_input, "ext_logsource_typo.yml:14: unknown key 'sevice' in evidence logsource; expected one of: product, service, category"},
      {"ext_window.yml", ErrorKind::bad_input, "ext_window.yml:16: window before '1h30m' is not a duration"},
  };
  size_t fixtures = 0;
  for (const auto& entry : fs::directory_iterator(loader_path("bad"))) fixtures += entry.is_regular_file() ? 1 : 0;
  CHECK(fixtures == std::size(cases));  // every fixture has its expectation
  for (const Case& c : cases) {
    fs::path file = loader_path(std::string("bad/") + c.file);
    auto r = load_rules_path(file);
    INFO(c.file);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().kind() == c.kind);
    CHECK_THAT(r.status().message(), Catch::StartsWith((file.parent_path() / c.message).string()));
  }
}

TEST_CASE("loader: modifier combinations and values", "[rules][loader]") {
  auto load_entry = [](const std::string& entry) {
    return load_rules_text("title: m\nlogsource:\n  product: windows\ndetection:\n  sel:\n    " + entry +
                               "\n  condition: sel\n",
                           "m.yml");
  };
  struct Case {
    const char* entry;
    ErrorKind kind;
    const char* message;
  };
  const Case refused[] = {
      {"Image|exists|all: true", ErrorKind::bad_input, "m.yml:6: 'exists' must be the only modifier in 'Image|exists|all'"},
      {"Count|gt|lt: 5", ErrorKind::bad_input, "m.yml:6: 'gt' must be the only modifier in 'Count|gt|lt'"},
      {"Count|lte: '5'", ErrorKind::bad_input, "m.yml:6: 'lte' in 'Count|lte' compares numbers; '5' is not a whole number"},
      {"Image|exists: [true, false]", ErrorKind::bad_input, "m.yml:6: 'exists' in 'Image|exists' takes one value"},
      {"Image|contains|startswith: x", ErrorKind::bad_input, "m.yml:6: contains, startswith and endswith exclude each other"},
      {"Image|base64|base64offset|contains: x", ErrorKind::bad_input, "m.yml:6: 'base64' and 'base64offset' exclude each other"},
      {"Ip|cidr|contains: 10.0.0.0/8", ErrorKind::bad_input, "m.yml:6: 'cidr' cannot be combined with 'contains'"},
      {"Ip|cidr: 10.0.0.0", ErrorKind::bad_input, "m.yml:6: '10.0.0.0' in 'Ip|cidr' is not an IPv4 or IPv6 CIDR range"},
      {"Ip|cidr: 10.0.0.0/33", ErrorKind::bad_input, "m.yml:6: '10.0.0.0/33' in 'Ip|cidr'"},
      {"Ip|cidr: 'fe80::1%eth0/64'", ErrorKind::bad_input, "m.yml:6: 'fe80::1%eth0/64' in 'Ip|cidr'"},
      {"Image|windash|re: x", ErrorKind::bad_input, "m.yml:6: 're' cannot be combined with 'windash'"},
      {"Image|contains: null", ErrorKind::bad_input, "m.yml:6: null cannot be used with modifiers in 'Image|contains'"},
      {"Image|contains|Contains: x", ErrorKind::bad_input, "m.yml:6: modifier 'contains' appears twice in 'Image|contains|Contains'"},
      {"Image||contains: x", ErrorKind::bad_input, "m.yml:6: empty modifier in 'Image||contains'"},
      {"Image|utf16le|base64: x", ErrorKind::unsupported, "m.yml:6: unsupported modifier 'utf16le' in 'Image|utf16le|base64'"},
      {"Image|s: x", ErrorKind::bad_input, "m.yml:6: modifier 's' only applies to 're'"},
      {"Image|re: '(unclosed'", ErrorKind::bad_input, "m.yml:6: regular expression '(unclosed' in 'Image|re' does not compile: missing ): (unclosed"},
      {"Image: {nested: map}", ErrorKind::bad_input, "m.yml:6: 'Image' holds a nested map"},
  };
  for (const Case& c : refused) {
    INFO(c.entry);
    auto r = load_entry(c.entry);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().kind() == c.kind);
    CHECK_THAT(r.status().message(), Catch::StartsWith(c.message));
  }
  for (const char* entry : {"Image|RE|M|S: '^a.b$'", "Ip|cidr: '::1/128'", "Ip|cidr: ['0.0.0.0/0', '::ffff:10.0.0.0/104']",
                            "Count|lte: -1", "Image|exists: false", "Image|windash|contains: '-x'", "Image|all|contains: [a, b]",
                            "Image|contains: []", "Image|re: '\\d+'"}) {
    INFO(entry);
    auto r = load_entry(entry);
    CHECK(r.is_ok());
    if (r.is_ok()) CHECK(r.value().at(0).detection->selections.at(0).alternatives.at(0).size() == 1);
  }
  auto upper = load_entry("Image|RE|I: x");
  REQUIRE(upper.is_ok());
  CHECK(upper.value().at(0).detection->selections.at(0).alternatives.at(0).at(0).modifiers == Strings{"re", "i"});
  auto negative = load_entry("Count|gte: -12");
  REQUIRE(negative.is_ok());
  const SigmaValue& v = negative.value().at(0).detection->selections.at(0).alternatives.at(0).at(0).values.at(0);
  CHECK(v.kind == Kind::integer);
  CHECK(v.number == -12);
}

TEST_CASE("loader: text loading details", "[rules][loader]") {
  SECTION("documents without id or name get the file stem and their number") {
    auto r = load_rules_text(minimal("a") + "---\n" + minimal("b"), "packs/extra.yml");
    REQUIRE(r.is_ok());
    REQUIRE(r->size() == 2);
    CHECK(r.value()[0].id == "extra#1");
    CHECK(r.value()[1].id == "extra#2");
    CHECK(r.value()[1].loc.str() == "packs/extra.yml:9");
    CHECK(r.value()[1].origin == "packs/extra.yml");
  }
  SECTION("a UTF-8 BOM and unknown top-level keys are accepted") {
    auto r = load_rules_text("\xEF\xBB\xBF" + minimal("x") + "custom: {anything: [1, 2]}\nfields: [a]\n", "x.yml");
    REQUIRE(r.is_ok());
    CHECK(r.value().at(0).title == "x");
  }
  SECTION("a document that is not a map") {
    auto r = load_rules_text("- just\n- a list\n", "list.yml");
    REQUIRE_FALSE(r.is_ok());
    CHECK_THAT(r.status().message(), Catch::StartsWith("list.yml:1: a rule document must be a map"));
  }
  SECTION("detection and correlation together") {
    auto r = load_rules_text(minimal("both") + "correlation: {type: temporal, rules: [a, b]}\n", "both.yml");
    REQUIRE_FALSE(r.is_ok());
    CHECK_THAT(r.status().message(), Catch::StartsWith("both.yml:4: a rule has either detection or correlation"));
  }
  SECTION("value_count needs condition.field; counting conditions") {
    auto r = load_rules_text("title: v\ncorrelation:\n  type: value_count\n  rules: a\n  condition: {gte: 3}\n", "v.yml");
    REQUIRE_FALSE(r.is_ok());
    CHECK_THAT(r.status().message(), Catch::StartsWith("v.yml:2: value_count correlation needs condition.field"));
    r = load_rules_text("title: v\ncorrelation:\n  type: value_count\n  rules: a\n  condition: {gte: 3, lt: 9, field: User}\n",
                        "v.yml");
    REQUIRE(r.is_ok());
    const Correlation& c = *r.value().at(0).correlation;
    CHECK(c.condition.field == "User");
    CHECK(c.condition.ops == std::map<std::string, int64_t>{{"gte", 3}, {"lt", 9}});
    CHECK(c.timespan_us == 0);  // omitted: no limit
    CHECK(c.rules == Strings{"a"});
  }
  SECTION("zero timespan is refused, omitting it is the way to say no limit") {
    auto r = load_rules_text("title: t\ncorrelation:\n  type: temporal\n  rules: [a, b]\n  timespan: 0m\n", "t.yml");
    REQUIRE_FALSE(r.is_ok());
    CHECK_THAT(r.status().message(), Catch::StartsWith("t.yml:5: timespan is zero; omit it for no time limit"));
    r = load_rules_text("title: t\ncorrelation:\n  type: temporal\n  rules: [a, b]\n  timespan: 7d\n", "t.yml");
    REQUIRE(r.is_ok());
    CHECK(r.value().at(0).correlation->timespan_us == 7LL * 86400 * 1000000);
  }
}

TEST_CASE("loader: merge_rules replaces by id and appends the rest", "[rules][loader]") {
  auto base = load_rules_text(minimal("a") + "id: a\n---\n" + minimal("b") + "id: b\n", "base.yml");
  auto extra = load_rules_text(minimal("b2") + "id: b\n---\n" + minimal("c") + "id: c\n---\n" + minimal("b3") + "id: b\n",
                               "extra.yml");
  REQUIRE(base.is_ok());
  REQUIRE(extra.is_ok());
  auto merged = merge_rules(base.value(), extra.value());
  REQUIRE(merged.size() == 4);
  CHECK(merged[0].title == "a");
  CHECK(merged[1].title == "b2");
  CHECK(merged[1].origin == "extra.yml");
  CHECK(merged[2].title == "c");
  CHECK(merged[3].title == "b3");  // a second replacement is kept, so the set check names it
  auto st = check_rule_set(merged);
  REQUIRE_FALSE(st.is_ok());
  CHECK(st.message() == "extra.yml:19: rule id 'b' is also used by the rule at extra.yml:1; give one of them another id");
}

TEST_CASE("loader: check_rule_set", "[rules][loader]") {
  SECTION("a correlation rule that does not resolve") {
    auto rules = load_ok("sets/unresolved.yml");
    auto st = check_rule_set(rules);
    REQUIRE_FALSE(st.is_ok());
    CHECK(st.kind() == ErrorKind::bad_input);
    CHECK_THAT(st.message(), Catch::EndsWith("unresolved.yml:13: correlation 'broken_correlation' uses rule 'base_rul', "
                                             "which is not loaded; load the rule or fix the name (a rule's name or id)"));
  }
  SECTION("a correlation of a correlation") {
    auto rules = load_ok("sets/chained.yml");
    auto st = check_rule_set(rules);
    REQUIRE_FALSE(st.is_ok());
    CHECK(st.kind() == ErrorKind::unsupported);
    CHECK_THAT(st.message(), Catch::EndsWith("chained.yml:21: correlation 'second_correlation' uses correlation "
                                             "'first_correlation'; correlations of correlations are not supported, "
                                             "list its base rules instead"));
  }
  SECTION("the same id in two files names both") {
    auto rules = load_ok("sets/dup");
    REQUIRE(rules.size() == 2);
    auto st = check_rule_set(rules);
    REQUIRE_FALSE(st.is_ok());
    std::string a = loader_path("sets/dup/a.yml").string(), b = loader_path("sets/dup/b.yml").string();
    CHECK(st.message() == b + ":2: rule id 'shared-id' is also used by the rule at " + a + ":1; give one of them another id");
  }
  SECTION("the same name twice") {
    auto rules = load_rules_text(minimal("a") + "name: n\n---\n" + minimal("b") + "name: n\nid: other\n", "n.yml");
    REQUIRE(rules.is_ok());
    auto st = check_rule_set(rules.value());
    REQUIRE_FALSE(st.is_ok());
    CHECK_THAT(st.message(), Catch::StartsWith("n.yml:10: rule name 'n' is also used by the rule at n.yml:1"));
  }
}

TEST_CASE("loader: the built-in pack", "[rules][loader]") {
  auto rules = load_builtin_rules();
  INFO(rules.status().message());
  REQUIRE(rules.is_ok());
  std::vector<std::string> pack_files;
  for (std::string_view name : data::embedded_names())
    if (name != "mapping.yml" && name.size() > 4 && name.substr(name.size() - 4) == ".yml") pack_files.emplace_back(name);
  CHECK(rules->empty() == pack_files.empty());
  for (const Rule& r : rules.value()) {
    INFO(r.origin);
    CHECK_THAT(r.origin, Catch::StartsWith("builtin:dpm/") && Catch::EndsWith(".yml"));
    CHECK(r.origin != "builtin:dpm/mapping.yml");
    CHECK(r.loc.file == r.origin);
  }
  for (const std::string& f : pack_files) {  // every pack file contributes
    bool seen = false;
    for (const Rule& r : rules.value()) seen = seen || r.origin == "builtin:dpm/" + f;
    CHECK(seen);
  }
  CHECK(check_rule_set(rules.value()).is_ok());
}
