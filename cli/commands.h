// Subcommand registration. Each subcommand lives in its own cli/*_command.cpp
// and adds itself to the CLI11 app; its callback stores the process exit code
// in `exit_code` (see cli/exit_codes.h). Commands print; libraries never do.
#pragma once

#include <CLI/CLI.hpp>

namespace pm::cli {

struct CommandState {
  int exit_code = 0;
};

void add_ingest_command(CLI::App& app, CommandState& state);
void add_query_command(CLI::App& app, CommandState& state);
void add_sources_command(CLI::App& app, CommandState& state);
void add_timeline_command(CLI::App& app, CommandState& state);
void add_export_command(CLI::App& app, CommandState& state);
void add_dump_command(CLI::App& app, CommandState& state);
void add_catalog_command(CLI::App& app, CommandState& state);
void add_hunt_command(CLI::App& app, CommandState& state);
void add_rules_command(CLI::App& app, CommandState& state);
void add_explain_command(CLI::App& app, CommandState& state);
void add_analyze_command(CLI::App& app, CommandState& state);
void add_report_command(CLI::App& app, CommandState& state);

}  // namespace pm::cli
