// The idsync subcommands. Each registers itself on the CLI11 app and returns its exit code
// through the shared `exit_code` slot when it runs.
#pragma once

#include <CLI/CLI.hpp>

#include "cli_common.h"

namespace idsync::cli {

struct GlobalOptions {
  std::string store;     // --store (else IDSYNC_STORE)
  bool progress = true;  // --no-progress turns progress lines off
  bool json = false;     // --json output where supported
  int exit_code = 0;
};

void add_store_commands(CLI::App& app, GlobalOptions& global);
void add_config_commands(CLI::App& app, GlobalOptions& global);
void add_run_commands(CLI::App& app, GlobalOptions& global);
void add_object_commands(CLI::App& app, GlobalOptions& global);
void add_generate_command(CLI::App& app, GlobalOptions& global);
void add_demo_command(CLI::App& app, GlobalOptions& global);
void add_expr_command(CLI::App& app, GlobalOptions& global);
void add_operations_commands(CLI::App& app, GlobalOptions& global);
void add_health_commands(CLI::App& app, GlobalOptions& global);
void add_entra_command(CLI::App& app, GlobalOptions& global);
void add_csexport_commands(CLI::App& app, GlobalOptions& global);
void add_preview_command(CLI::App& app, GlobalOptions& global);
// `idsync config diff STORE_A STORE_B`, registered under `config`.
void add_config_diff_command(CLI::App& config, GlobalOptions& global);

}  // namespace idsync::cli
