// `pushmortem dump PATH... --format xml|jsonl [-o FILE] [--threads N]`:
// writes the records of .evtx files without a case, as Event Viewer XML
// (<Events><Event xmlns=...>...</Event>...</Events>, one event per line) or
// JSON Lines (one object per record; keys in parsers/evtx/evtx_render.h).
// A PATH that is a folder stands for every EVTX file under it (by content,
// sorted by path). Records come in file, chunk and record order; chunks are
// decoded on all cores. Undecodable records are skipped and counted; a
// summary goes to standard error (--stats or --verbose: one line per file;
// --quiet: none, errors only).
//
// Exit codes: 0 all files read; 1 some file could not be read (the others
// are dumped); 2 usage; 3 no readable input or -o not writable; 130 Ctrl-C.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/platform.h"
#include "cli/read_common.h"
#include "cli/style.h"
#include "parsers/evtx/evtx_dump.h"
#include "parsers/evtx/evtx_file.h"

namespace pm::cli {
namespace {

struct DumpArgs {
  std::vector<std::string> paths;
  std::string format = "xml";
  std::string output;
  unsigned threads = 0;
  bool stats = false;
  Verbosity verbosity;
};

bool has_evtx_signature(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  return in.gcount() == 8 &&
         (std::memcmp(magic, evtx::kFileMagic, 8) == 0 || std::memcmp(magic, evtx::kChunkMagic, 8) == 0);
}

// Files named directly are kept (and fail later if they are not EVTX);
// folders contribute the EVTX files under them.
std::vector<std::filesystem::path> expand_paths(const std::vector<std::string>& paths, std::string& error) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> found;
      for (auto it = std::filesystem::recursive_directory_iterator(p, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec) && has_evtx_signature(it->path())) found.push_back(it->path());
      if (ec) error = "cannot list " + p + ": " + ec.message();
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(p, ec)) {
      files.emplace_back(p);
    } else {
      error = p + " does not exist";
    }
  }
  return files;
}

void print_summary(const evtx::DumpReport& r, size_t files, bool per_file, std::ostream& err) {
  for (const auto& f : r.files) {
    if (!f.status) {
      report_error(err, "dump", f.status.message());
      continue;
    }
    if (!per_file) continue;
    const auto& s = f.stats;
    err << f.file.string() << ": " << s.records << " records (" << s.recovered << " recovered, " << s.partial
        << " partial, " << s.undecodable << " undecodable); " << s.chunks << " chunks (" << s.empty_chunks
        << " unused, " << s.bad_magic << " without signature, " << s.header_crc_errors << " header and "
        << s.data_crc_errors << " data CRC errors)" << (f.header_crc_ok ? "" : "; file header CRC error")
        << (f.dirty ? "; dirty" : "") << "\n";
  }
  const auto& t = r.total;
  err << "dumped " << r.records_written << " records from " << files << (files == 1 ? " file" : " files");
  if (t.recovered || t.undecodable)
    err << " (" << t.recovered << " recovered, " << t.undecodable << " undecodable not written)";
  if (t.header_crc_errors || t.data_crc_errors || t.bad_magic)
    err << "; chunks: " << t.header_crc_errors << " header and " << t.data_crc_errors << " data CRC errors, "
        << t.bad_magic << " without signature";
  bool notable = t.recovered || t.undecodable || t.header_crc_errors || t.data_crc_errors || t.bad_magic;
  err << (notable && !per_file ? "; --stats for details per file\n" : "\n");
}

int run_dump(const DumpArgs& args) {
  std::string error;
  auto files = expand_paths(args.paths, error);
  if (!error.empty()) {
    report_error(std::cerr, "dump", error);
    return kExitInput;
  }
  if (files.empty()) {
    report_error(std::cerr, "dump", "no EVTX files found in the given paths");
    return kExitInput;
  }
  std::ofstream file;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      report_error(std::cerr, "dump", "cannot write " + args.output + ": check that its folder exists and is writable");
      return kExitInput;
    }
  }
  std::ostream& out = args.output.empty() ? std::cout : file;
  evtx::DumpOptions options;
  options.format = args.format == "jsonl" ? evtx::DumpFormat::jsonl : evtx::DumpFormat::xml;
  options.threads = args.threads;
  options.cancel = &install_interrupt_handler();
  auto report = evtx::dump_evtx(files, options, out);
  if (!report) {
    report_error(std::cerr, "dump",
                 report.status().message() + (args.output.empty() ? "" : "; " + args.output + " is incomplete"));
    return exit_code_for(report.status());
  }
  if (args.verbosity.quiet) {
    for (const auto& f : report->files)
      if (!f.status) report_error(std::cerr, "dump", f.status.message());
  } else {
    print_summary(report.value(), files.size(), args.stats || args.verbosity.verbose, std::cerr);
  }
  size_t failed = std::count_if(report->files.begin(), report->files.end(), [](const auto& f) { return !f.status; });
  if (failed == files.size()) return kExitInput;
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void add_dump_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<DumpArgs>();
  CLI::App* cmd = app.add_subcommand("dump", "Write the records of .evtx files as XML or JSON Lines (no case needed)");
  cmd->add_option("paths", args->paths, "EVTX files, or folders searched for EVTX files")->required();
  add_format_option(cmd, args->format, {"xml", "jsonl"}, "Output format: xml (as Event Viewer) or jsonl");
  cmd->add_option("-o,--output", args->output, "Write to this file instead of standard output (overwritten)");
  cmd->add_option("--threads", args->threads, "Decoding threads (default: one per core)")->check(CLI::Range(1u, 256u));
  cmd->add_flag("--stats", args->stats, "Print record, recovery and CRC statistics per file to standard error");
  add_verbosity_flags(cmd, args->verbosity, "No summary on standard error: only the records and errors",
                      "The statistics per file, as --stats");
  cmd->footer(
      "Examples:\n"
      "  pushmortem dump System.evtx --format xml -o System.xml\n"
      "  pushmortem dump logs/ --format jsonl | grep '\"event_id\":7045'\n"
      "Exit codes: 0 every file read; 1 some file could not be read (the others are dumped); 2 usage; 3 no "
      "readable input, or -o not writable; 130 interrupted.");
  cmd->callback([args, &state] { state.exit_code = run_dump(*args); });
}

}  // namespace pm::cli
