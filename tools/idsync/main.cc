// idsync: the IdSync command line.
#include <mimalloc.h>

#include <cstdio>

#include "commands.h"

int main(int argc, char** argv) {
  using idsync::cli::GlobalOptions;
  CLI::App app{
      "IdSync: identity synchronization engine (Entra Connect Sync / MIM semantics).\n"
      "Every command that uses a server store takes --store PATH or the IDSYNC_STORE variable."};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] {
    return std::string("idsync 0.1.0 (mimalloc ") + std::to_string(mi_version()) + ")";
  });
  GlobalOptions global;
  app.add_option("--store", global.store, "server store file (default: $IDSYNC_STORE)");
  app.add_flag("--no-progress{false}", global.progress, "do not print progress lines on stderr");
  idsync::cli::add_store_commands(app, global);
  idsync::cli::add_config_commands(app, global);
  idsync::cli::add_run_commands(app, global);
  idsync::cli::add_object_commands(app, global);
  idsync::cli::add_generate_command(app, global);
  idsync::cli::add_demo_command(app, global);
  idsync::cli::add_expr_command(app, global);
  idsync::cli::add_operations_commands(app, global);
  idsync::cli::add_health_commands(app, global);
  idsync::cli::add_entra_command(app, global);
  idsync::cli::add_csexport_commands(app, global);
  idsync::cli::add_preview_command(app, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : idsync::cli::kExitUsage;
  }
  return global.exit_code;
}
