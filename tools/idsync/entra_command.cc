// idsync config import-entra FOLDER [--base-dir DIR] [--json-out FILE] [--dry-run]
#include <fstream>
#include <iostream>

#include "commands.h"
#include "idsync/private_file.h"
#include "idsync/entra_import.h"

namespace idsync::cli {

void add_entra_command(CLI::App& app, GlobalOptions& global) {
  CLI::App* config = nullptr;
  try {
    config = app.get_subcommand("config");
  } catch (const CLI::OptionNotFound&) {
    config = app.add_subcommand("config", "import or export the server configuration (JSON)");
  }
  struct Args {
    std::string folder;
    std::string base_dir = ".";
    std::string json_out;
    bool dry_run = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = config->add_subcommand(
      "import-entra",
      "convert an Entra Connect (Azure AD Connect) configuration export folder and import it into the store");
  cmd->add_option("folder", args->folder,
                  "export folder (with SynchronizationRules/, Connectors/, GlobalSettings/MV.xml)")
      ->required();
  cmd->add_option("--base-dir", args->base_dir,
                  "directory of the LDIF files the imported connectors read and write (default: .)");
  cmd->add_option("--json-out", args->json_out, "also write the IdSync configuration (JSON) to FILE");
  cmd->add_flag("--dry-run", args->dry_run, "convert and report only; do not touch the store");
  cmd->callback([&global, args] {
    EntraImportOptions options;
    options.base_dir = args->base_dir;
    EntraImportReport entra_report;
    auto config = import_entra_configuration(args->folder, options, entra_report);
    if (!config.ok()) {
      global.exit_code = report_configuration_error(config.status());
      return;
    }
    std::cout << entra_report.text();
    if (!args->json_out.empty()) {
      if (Status s = prepare_private_file(args->json_out); !s.ok()) {
        global.exit_code = report(s);
        return;
      }
      std::ofstream out(args->json_out, std::ios::binary | std::ios::trunc);
      out << write_configuration(*config);
      if (!out.flush()) {
        global.exit_code = report(Status::Error(ErrorCode::kIoError, "cannot write '" + args->json_out + "'"));
        return;
      }
      std::cout << "wrote " << args->json_out << "\n";
    }
    if (args->dry_run) {
      std::cout << "dry run: the store was not changed\n";
      return;
    }
    auto server = open_server(global.store, StoreOpenMode::kCreateIfMissing);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    Status s = (*server)->import_configuration(*config);
    if (!s.ok()) {
      global.exit_code = report_configuration_error(s.with_context(args->folder));
      return;
    }
    std::cout << "imported " << config->connectors.size() << " connectors and " << config->rules.size()
              << " sync rules into " << (*server)->store_path() << "\n";
  });
}

}  // namespace idsync::cli
