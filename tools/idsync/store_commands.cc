// idsync store create | check
#include <iostream>

#include "commands.h"
#include "idsync/file/file_connectors.h"

namespace idsync::cli {

void add_store_commands(CLI::App& app, GlobalOptions& global) {
  auto* store = app.add_subcommand("store", "create or check a server store");
  store->require_subcommand(1);
  auto* create = store->add_subcommand("create", "create an empty server store (mode 0600)");
  create->callback([&global] {
    auto path = store_path(global.store);
    if (!path.ok()) {
      global.exit_code = report(path.status());
      return;
    }
    auto server = Server::open(*path, StoreOpenMode::kCreateIfMissing, registry());
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    std::cout << "server store ready: " << *path << "\n";
  });
  auto* check = store->add_subcommand(
      "check", "SQLite's integrity check and IdSync's consistency check (links, duplicates, pending exports, ids)");
  check->callback([&global] {
    auto path = store_path(global.store);
    if (!path.ok()) {
      global.exit_code = report(path.status());
      return;
    }
    auto server = Server::open(*path, StoreOpenMode::kMustExist, registry());
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    std::string summary;
    if (Status s = (*server)->check_store(&summary); !s.ok()) {
      global.exit_code = report(s);
      return;
    }
    std::cout << "store ok: " << summary << "\n";
  });
}

}  // namespace idsync::cli
