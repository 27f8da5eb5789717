// pushmortem: explains failed DPM protection-agent pushes from log bundles.
// main() only wires subcommands and maps fatal exceptions to exit codes.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"

int main(int argc, char** argv) {
  CLI::App app{"pushmortem: explains failed System Center DPM agent pushes from log bundles", "pushmortem"};
  app.set_version_flag("--version", "pushmortem 0.1.0");
  app.require_subcommand(1);
  pm::cli::CommandState state;
  pm::cli::add_analyze_command(app, state);
  pm::cli::add_ingest_command(app, state);
  pm::cli::add_explain_command(app, state);
  pm::cli::add_report_command(app, state);
  pm::cli::add_sources_command(app, state);
  pm::cli::add_timeline_command(app, state);
  pm::cli::add_query_command(app, state);
  pm::cli::add_export_command(app, state);
  pm::cli::add_dump_command(app, state);
  pm::cli::add_catalog_command(app, state);
  pm::cli::add_hunt_command(app, state);
  pm::cli::add_rules_command(app, state);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? pm::cli::kExitOk : pm::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pushmortem: internal error: %s\nPlease report this with the command line you used.\n", e.what());
    return pm::cli::kExitInternal;
  }
  return state.exit_code;
}
