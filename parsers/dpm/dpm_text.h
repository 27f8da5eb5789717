// What DPM text mentions: HRESULTs, DPM error ids, host names and the target
// of an agent operation; and the DPM binary a trace file belongs to. Pure
// functions, no catalog (a value is reported because of how it is written,
// never because it is known). Every pattern below is inferred from the forms
// quoted in ../shared/formats/dpm.md; no real DPM log is public.
//
// HRESULTs (normalised to "0x" + 8 upper-case hex digits):
//   - 0x + exactly 8 hex digits, not inside a longer word, with the failure
//     bit set (0x8xxxxxxx..0xFxxxxxxx): `Hr: = [0x80070005]`, `(0x800706BA)`,
//     `hr=0x8007041d`;
//   - after "error code" (`failed with error code: 1b7afbe0`), any non-zero
//     8-hex-digit value, with or without 0x;
//   - after "error code", "errorcode", "hresult" or the word "hr", a negative
//     32-bit decimal (.NET's HResult: -2147023174 -> 0x800706BA).
// DPM error ids (decimal):
//   `(ID 347`, `ID 347 Details`, `Error 319:` (3..5 digits, then a colon),
//   `error id: 347` / `errorid=347` / `error_id 347`, `DPM error 319` /
//   `DPM error id 319` (1..5 digits). A bare "ID 42" or "error 5" is not one.
// Host names:
//   - FQDN-shaped tokens: 3+ dot-separated labels of letters, digits and
//     hyphens, the last one 2..24 letters and not a file extension (exe, dll,
//     cpp, log, errlog, config, ...), the whole token in one case (all lower or
//     all upper: .NET names such as System.Runtime.Remoting are mixed case),
//     not after '@' (mail addresses) and not before '(' (calls);
//   - a NetBIOS-shaped name (2..15 upper-case letters, digits, hyphens, with a
//     letter, not a word such as DPM, RPC, WMI) right after the word server,
//     computer, machine or target (`on server FS01`, `Target: FS01`);
//   - the attempt target (below).
// Attempt target (the line records an agent operation against that host):
//   A1 `<verb> [the] [DPM] [protection] agent on|to|for HOST`, the verb
//      (install, uninstall, upgrade, update, repair, attach, push, deploy;
//      any form: Installing, failed to install, ...) within 40 bytes before
//      "agent": `Install agent on fs01.contoso.com`, `Install protection agent
//      on fs01.contoso.com failed:`, `failed to install agent on FS01`;
//   A2 a line naming an agent operation (InstallAgent, UninstallAgent,
//      UpgradeAgent, AgentOperation, agent operation, install agent, agent
//      install) with `Target[Word]: HOST` or `Target[Word]=HOST`;
//   A3 `agent operation ... on HOST` (the Error 319/347 wording: "the agent
//      operation attempted to create the DPM Agent Coordinator service on HOST").
//   HOST there is an FQDN (2+ labels, any case), an IPv4 address, or a single
//   label with a digit or hyphen, or all upper case (FS01, DPM-01, FILESRV);
//   trailing sentence punctuation is dropped. The target is also in hosts.
#pragma once

#include <string>
#include <string_view>

namespace pm::dpm {

// Comma-separated lists in order of first appearance, without duplicates
// (host names compared case-insensitively, kept as first written).
struct Mentions {
  std::string hresults;
  std::string error_ids;
  std::string hosts;
  std::string attempt_target;  // empty when the text records no agent operation
  void clear() {
    hresults.clear();
    error_ids.clear();
    hosts.clear();
    attempt_target.clear();
  }
};

// Replaces `out` with what `text` mentions.
void find_mentions(std::string_view text, Mentions& out);

// The first item of a comma-separated list ("" when empty).
std::string_view first_item(std::string_view list);

// The DPM binary of a trace file from its path or name: the base name without
// ".errlog" and anything after it (".errlog.2024-03-12_10-15-00.Crash"), or
// without its last extension when it has no ".errlog", then without "Curr"
// or trailing generation digits; a known binary (MSDPM, DPMRA,
// AgentBootStrapper, DPMAC, DPMAccessManager, DPMUI, DPMCLI, LAAgent,
// DpmBackup, DPMWriter, CBEngine) after a '-', '_' or ' ' wins
// ("DPM01-DPMRACurr.errlog" -> DPMRA) and known names get their usual case.
// "" for an empty name.
std::string binary_from_file_name(std::string_view path);

}  // namespace pm::dpm
