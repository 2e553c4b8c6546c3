// idsync config import FILE | export [FILE] | diff A B ; idsync connector list
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "idsync/private_file.h"

namespace idsync::cli {

namespace {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::Error(ErrorCode::kNotFound, "cannot read configuration file '" + path + "'; check the path");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

void add_config_commands(CLI::App& app, GlobalOptions& global) {
  auto* config = app.add_subcommand("config", "import, export (JSON) or compare (diff) server configurations");
  config->require_subcommand(1);

  auto* import = config->add_subcommand("import", "replace the configuration with the one in FILE");
  auto import_file = std::make_shared<std::string>();
  import->add_option("file", *import_file, "configuration file (JSON)")->required();
  import->callback([&global, import_file] {
    auto text = read_file(*import_file);
    if (!text.ok()) {
      global.exit_code = report(text.status());
      return;
    }
    auto parsed = parse_configuration(*text);
    if (!parsed.ok()) {
      global.exit_code = report_configuration_error(parsed.status().with_context(*import_file));
      return;
    }
    auto server = open_server(global.store, StoreOpenMode::kCreateIfMissing);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    Status s = (*server)->import_configuration(*parsed);
    if (!s.ok()) {
      global.exit_code = report_configuration_error(s.with_context(*import_file));
      return;
    }
    std::cout << "imported " << parsed->connectors.size() << " connectors and " << parsed->rules.size()
              << " sync rules into " << (*server)->store_path() << "\n";
  });

  auto* exp = config->add_subcommand("export", "write the configuration as JSON (to FILE or stdout)");
  auto export_file = std::make_shared<std::string>();
  exp->add_option("file", *export_file, "output file; - or none for stdout");
  exp->callback([&global, export_file] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto c = (*server)->configuration();
    if (!c.ok()) {
      global.exit_code = report(c.status());
      return;
    }
    std::string text = write_configuration(*c);
    if (export_file->empty() || *export_file == "-") {
      std::cout << text;
      return;
    }
    if (Status s = prepare_private_file(*export_file); !s.ok()) {
      global.exit_code = report(s);
      return;
    }
    std::ofstream out(*export_file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) global.exit_code = report(Status::Error(ErrorCode::kIoError, "cannot write '" + *export_file + "'"));
  });

  add_config_diff_command(*config, global);

  auto* connector = app.add_subcommand("connector", "list the configured connectors");
  connector->require_subcommand(1);
  auto* list = connector->add_subcommand("list", "connectors with their type, role and run profiles");
  list->callback([&global] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto c = (*server)->configuration();
    if (!c.ok()) {
      global.exit_code = report(c.status());
      return;
    }
    for (const ConnectorDefinition& d : c->connectors) {
      std::string profiles;
      for (const RunProfile& p : d.run_profiles) profiles += (profiles.empty() ? "" : ", ") + p.name;
      std::cout << d.name << "\t" << d.type << "\t" << (d.role == ConnectorRole::kCloud ? "cloud" : "on-premises")
                << "\t" << profiles << "\n";
    }
  });
}

}  // namespace idsync::cli
