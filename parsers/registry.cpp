#include "parsers/registry.h"

#include "parsers/dpm/errlog_parser.h"
#include "parsers/dpm/msi_log_parser.h"
#include "parsers/dpm/push_errors_parser.h"
#include "parsers/events/event_csv_parser.h"
#include "parsers/events/event_text_parser.h"
#include "parsers/events/event_xml_parser.h"
#include "parsers/evtx/evtx_parser.h"
#include "parsers/firewall/netsh_profiles_parser.h"
#include "parsers/firewall/netsh_rules_parser.h"
#include "parsers/firewall/pfirewall_parser.h"
#include "parsers/firewall/ps_firewall_parsers.h"
#include "parsers/hostinfo/ipconfig_parser.h"
#include "parsers/hostinfo/systeminfo_parser.h"

namespace pm {

const std::vector<const Parser*>& all_parsers() {
  // The one list. Add a parser here (and nowhere else) to make ingest use it.
  static const SysteminfoParser systeminfo;
  static const IpconfigParser ipconfig;
  static const PfirewallParser pfirewall;
  static const NetshProfilesParser netsh_profiles;
  static const NetshRulesParser netsh_rules;
  static const PsFirewallProfileParser ps_profiles;
  static const PsFirewallRuleParser ps_rules;
  static const ErrlogParser errlog;
  static const MsiLogParser msi_log;
  static const PushErrorsParser push_errors;
  static const EvtxParser evtx;
  static const EventXmlParser evt_xml;
  static const EventCsvParser evt_csv;
  static const EventTextParser evt_text;
  static const std::vector<const Parser*> list = {
      &systeminfo, &ipconfig, &pfirewall, &netsh_profiles, &netsh_rules, &ps_profiles, &ps_rules,
      &errlog, &msi_log, &push_errors,
      &evtx,
      &evt_xml, &evt_csv, &evt_text,
  };
  return list;
}

const Parser* find_parser(std::string_view name) {
  for (const Parser* p : all_parsers())
    if (p->name() == name) return p;
  return nullptr;
}

SniffDecision sniff_all(const Head& head) {
  SniffDecision best;
  for (const Parser* p : all_parsers()) {
    SniffResult r = p->sniff(head);
    if (r.score > best.result.score) {
      best.result = r;
      best.parser = p;
    }
  }
  if (best.result.score < kSniffThreshold) {
    std::string why = head.encoding.encoding == Encoding::binary ? "binary content" : "text";
    std::string closest = best.parser && best.result.score > 0
                              ? " (closest: " + std::string(best.parser->name()) + " " +
                                    std::to_string(best.result.score) + ", " + best.result.reason + ")"
                              : "";
    best.parser = nullptr;
    best.result.reason = "no parser recognises this " + why + closest;
    best.result.score = 0;
  }
  return best;
}

}  // namespace pm
